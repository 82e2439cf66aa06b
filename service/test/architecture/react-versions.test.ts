import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * Two Reacts live in this repository: the job dashboard (`@pg-boss/dashboard`, a service dependency) renders with
 * React 19, while the HubSpot extension pins React 18 (HubSpot's UI extensions run on it). npm keeps them apart
 * only as long as no one hoists the wrong one: this resolves `react` the way Node will from each side.
 */

const ROOT = path.resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);

/** The version of `pkg` that Node resolves when `from` (a file) imports it. */
function versionFrom(from: string, pkg: string): string {
  const manifest = createRequire(from).resolve(`${pkg}/package.json`);
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

describe('React versions', () => {
  it("the dashboard's server bundle loads React 19, and react-dom of the same version", () => {
    const dashboard = createRequire(path.join(ROOT, 'service/package.json')).resolve(
      '@pg-boss/dashboard/package.json',
    );
    // The file that imports react, react-dom/server and react-router when the handler serves its first page.
    const bundle = path.join(path.dirname(dashboard), 'build/server/index.js');
    const react = versionFrom(bundle, 'react');
    expect(react).toMatch(/^19\./);
    expect(versionFrom(bundle, 'react-dom')).toBe(react);
    const reactDom = createRequire(bundle).resolve('react-dom/package.json');
    expect(versionFrom(reactDom, 'react')).toBe(react);
  });

  it('the extension, and the HubSpot UI library it renders through, load React 18.3.1', () => {
    const extension = path.join(ROOT, 'crm-extension/package.json');
    expect(versionFrom(extension, 'react')).toBe('18.3.1');
    // Its package exports no package.json: start from its entry file instead.
    const uiExtensions = createRequire(extension).resolve('@hubspot/ui-extensions');
    expect(versionFrom(uiExtensions, 'react')).toBe('18.3.1');
  });

  it('npm sees no invalid or missing React in the tree', async () => {
    // npm ls exits non-zero (and names the package) on a missing, extraneous or peer-invalid install.
    const { stdout } = await run('npm', ['ls', 'react', 'react-dom', '--all'], { cwd: ROOT });
    expect(stdout).not.toMatch(/invalid|missing|UNMET/i);
  });
});
