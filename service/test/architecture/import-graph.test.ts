import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The service's boundaries, checked on its import graph: a feature folder uses another feature only through that
 * feature's index.ts (its public face), never its internals; infrastructure (core, db, jobs, config, http, the
 * logger) imports no feature's internals either. Within a feature, anything goes.
 */

const SRC = path.resolve(import.meta.dirname, '../../src');
const INFRASTRUCTURE = new Set(['core', 'db', 'jobs', 'config', 'http', 'logger.ts']);
/** Composition roots: they wire features together, through their index files like everyone else. */
const ROOTS = new Set(['runtime.ts', 'main.ts', 'integrations.ts']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sourceFiles(path.join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [path.join(dir, e.name)]
        : [],
  );
}

const IMPORT = /(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)\.js'/g;

/** The top-level entry under src/ a file belongs to: a folder name, or the file's own name at the top. */
const areaOf = (file: string) => path.relative(SRC, file).split(path.sep)[0] ?? '';

function violations(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const from = areaOf(file);
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = `${path.resolve(path.dirname(file), match[1] ?? '')}.ts`;
      const to = areaOf(target);
      if (to === from || INFRASTRUCTURE.has(to) || ROOTS.has(to)) continue;
      if (path.relative(SRC, target) === path.join(to, 'index.ts')) continue;
      found.push(`${path.relative(SRC, file)} -> ${path.relative(SRC, target)}`);
    }
  }
  return found;
}

describe('module boundaries', () => {
  it("no file imports another feature's internals, only its index.ts", () => {
    expect(violations()).toEqual([]);
  });
});
