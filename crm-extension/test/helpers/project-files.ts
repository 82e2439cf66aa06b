import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { hsmetaFiles, PROJECT_ROOT } from '../../scripts/configure.js';

/** The repository's root (crm-extension/..). */
export const REPO_ROOT = path.resolve(PROJECT_ROOT, '..');

/** One `*-hsmeta.json`, parsed, or the reason it does not parse. */
export interface Hsmeta {
  /** Relative to crm-extension/. */
  readonly file: string;
  readonly json: unknown;
  readonly parseError: string | null;
}

export function readHsmetaFiles(root: string = PROJECT_ROOT): Hsmeta[] {
  return hsmetaFiles(path.join(root, 'src/app')).map((full) => {
    const file = path.relative(root, full);
    try {
      return { file, json: JSON.parse(readFileSync(full, 'utf8')) as unknown, parseError: null };
    } catch (e) {
      return { file, json: null, parseError: e instanceof Error ? e.message : String(e) };
    }
  });
}

/** Every string value that looks like a URL, with its JSON path (`config.auth.redirectUrls[0]`). */
export function urlsIn(value: unknown, at = ''): { path: string; url: string }[] {
  if (typeof value === 'string')
    return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? [{ path: at, url: value }] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => urlsIn(v, `${at}[${i}]`));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([k, v]) => urlsIn(v, at === '' ? k : `${at}.${k}`));
  return [];
}

/** Files under dir, relative to it, sorted. */
export function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      const rel = prefix === '' ? name : `${prefix}/${name}`;
      return statSync(full).isDirectory() ? filesUnder(full, rel) : [rel];
    });
}

/**
 * A module of the service, imported at run time by a computed path: the extension's typecheck does not follow it
 * into the service's sources (they are checked by the service's own tsconfig). Callers check its shape with zod.
 */
export async function importService(file: string): Promise<unknown> {
  const full = path.join(REPO_ROOT, 'service/src', file);
  return (await import(full)) as unknown;
}
