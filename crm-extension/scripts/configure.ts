/**
 * `npm run hubspot:configure`: writes the service's public URL from crm-extension/service.config.json into every
 * place the HubSpot project needs it (app-hsmeta.json redirect and fetch URLs, the workflow action's URLs, the
 * webhook target, src/app/lib/service-url.ts), and copies the shared zod schemas into src/app/shared/ so
 * HubSpot's build (which sees only this project) has them. Run it after changing the URL or the shared schemas.
 */
import { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const appDir = path.join(root, 'src/app');
const urlFile = path.join(appDir, 'lib/service-url.ts');

export function readServiceUrl(): string {
  const config = JSON.parse(readFileSync(path.join(root, 'service.config.json'), 'utf8')) as {
    serviceUrl?: unknown;
  };
  const url = typeof config.serviceUrl === 'string' ? config.serviceUrl.replace(/\/+$/, '') : '';
  if (!/^https:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(url))
    throw new Error(
      `service.config.json: serviceUrl must be an https:// URL (HubSpot refuses others), got "${url}"`,
    );
  return url;
}

export function currentServiceUrl(): string {
  const match = /SERVICE_URL = '([^']+)'/.exec(readFileSync(urlFile, 'utf8'));
  if (!match?.[1]) throw new Error(`${urlFile}: no SERVICE_URL`);
  return match[1];
}

function hsmetaFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory())
      return name === 'node_modules' || name === 'shared' ? [] : hsmetaFiles(full);
    return name.endsWith('-hsmeta.json') ? [full] : [];
  });
}

export function configure(): { serviceUrl: string; files: string[] } {
  const next = readServiceUrl();
  const previous = currentServiceUrl();
  const changed: string[] = [];
  for (const file of hsmetaFiles(appDir)) {
    const text = readFileSync(file, 'utf8');
    const updated = text.split(previous).join(next);
    if (updated !== text) {
      writeFileSync(file, updated);
      changed.push(path.relative(root, file));
    }
  }
  writeFileSync(
    urlFile,
    `// Written by \`npm run hubspot:configure\` from crm-extension/service.config.json: do not edit by hand.\nexport const SERVICE_URL = '${next}';\n`,
  );
  const sharedCopy = path.join(appDir, 'shared');
  rmSync(sharedCopy, { recursive: true, force: true });
  cpSync(path.resolve(root, '../shared/src'), sharedCopy, { recursive: true });
  return { serviceUrl: next, files: changed };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const { serviceUrl, files } = configure();
  console.log(
    `service URL ${serviceUrl}; updated: ${files.length > 0 ? files.join(', ') : 'nothing else to change'}`,
  );
}
