/**
 * `npm run hubspot:configure`: writes the service's public URL from crm-extension/service.config.json into every
 * place the HubSpot project needs it (app-hsmeta.json redirect and fetch URLs, the workflow action's URLs, the
 * webhook target, src/app/lib/service-url.ts), and copies the shared zod schemas into src/app/shared/ so
 * HubSpot's build (which sees only this project) has them. Run it after changing the URL or the shared schemas.
 *
 * The previous URL is the one in src/app/lib/service-url.ts: every occurrence of it in a `*-hsmeta.json` is
 * replaced. `test/project-files.test.ts` checks that no other service URL is left anywhere.
 */
import { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** crm-extension/ of this checkout. */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');

const SERVICE_URL_FILE = 'src/app/lib/service-url.ts';

/**
 * The service URL as HubSpot needs it: https, a host that is not the local machine (HubSpot's proxy cannot reach
 * it; local development goes through `hs project dev`), no query or fragment, no trailing slash. Throws naming
 * what is wrong.
 */
export function checkServiceUrl(value: unknown): string {
  const url = typeof value === 'string' ? value.trim().replace(/\/+$/, '') : '';
  if (!/^https:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(url))
    throw new Error(
      `service.config.json: serviceUrl must be an https:// URL without query or fragment (HubSpot refuses others), got "${String(value)}"`,
    );
  const host = new URL(url).hostname;
  if (host === 'localhost' || host.endsWith('.localhost') || /^127\.|^\[::1\]$|^0\.0\.0\.0$/.test(host))
    throw new Error(
      `service.config.json: serviceUrl must be reachable from HubSpot, not ${host} (use a tunnel's https URL)`,
    );
  return url;
}

export function readServiceUrl(root: string = PROJECT_ROOT): string {
  const config = JSON.parse(readFileSync(path.join(root, 'service.config.json'), 'utf8')) as {
    serviceUrl?: unknown;
  };
  return checkServiceUrl(config.serviceUrl);
}

/** The URL the project files were last configured with (src/app/lib/service-url.ts). */
export function currentServiceUrl(root: string = PROJECT_ROOT): string {
  const file = path.join(root, SERVICE_URL_FILE);
  const match = /SERVICE_URL = '([^']+)'/.exec(readFileSync(file, 'utf8'));
  if (!match?.[1]) throw new Error(`${file}: no SERVICE_URL`);
  return match[1];
}

export function serviceUrlModule(url: string): string {
  return `// Written by \`npm run hubspot:configure\` from crm-extension/service.config.json: do not edit by hand.\nexport const SERVICE_URL = '${url}';\n`;
}

/** Every `*-hsmeta.json` under dir (not in node_modules or the shared copy). */
export function hsmetaFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory())
        return name === 'node_modules' || name === 'shared' ? [] : hsmetaFiles(full);
      return name.endsWith('-hsmeta.json') ? [full] : [];
    });
}

/**
 * text with every occurrence of the previous service URL replaced by the next one. An occurrence must be the whole
 * URL or be followed by a path, so `https://a.org` does not rewrite `https://a.org.example`.
 */
export function replaceServiceUrl(text: string, previous: string, next: string): string {
  const escaped = previous.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(new RegExp(`${escaped}(?=[/"'\\s]|$)`, 'g'), next);
}

export interface ConfigureOptions {
  /** crm-extension/ (a copy of it in tests). */
  readonly root?: string;
  /** The shared package's sources to copy into src/app/shared/ (default: ../shared/src next to root). */
  readonly sharedSrc?: string;
}

export function configure(options: ConfigureOptions = {}): { serviceUrl: string; files: string[] } {
  const root = options.root ?? PROJECT_ROOT;
  const sharedSrc = options.sharedSrc ?? path.resolve(root, '../shared/src');
  const appDir = path.join(root, 'src/app');
  // Both read before anything is written: a refused URL leaves every file as it was.
  const next = readServiceUrl(root);
  const previous = currentServiceUrl(root);
  const changed: string[] = [];
  for (const file of hsmetaFiles(appDir)) {
    const text = readFileSync(file, 'utf8');
    const updated = replaceServiceUrl(text, previous, next);
    if (updated !== text) {
      writeFileSync(file, updated);
      changed.push(path.relative(root, file));
    }
  }
  writeFileSync(path.join(root, SERVICE_URL_FILE), serviceUrlModule(next));
  const sharedCopy = path.join(appDir, 'shared');
  rmSync(sharedCopy, { recursive: true, force: true });
  cpSync(sharedSrc, sharedCopy, { recursive: true });
  return { serviceUrl: next, files: changed };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const { serviceUrl, files } = configure();
  console.log(
    `service URL ${serviceUrl}; updated: ${files.length > 0 ? files.join(', ') : 'nothing else to change'}`,
  );
}
