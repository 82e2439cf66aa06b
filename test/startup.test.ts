import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isAlive as alive } from './helpers/child-process.js';
import { waitUntil } from './helpers/wait.js';

const root = path.resolve(import.meta.dirname, '..');

function startProcess(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'service/src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function waitFor(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for ${pattern}; output:\n${seen}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = seen.match(pattern);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  });
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, ms: Date.now() - started })));
}

describe('npm start', () => {
  it('fails start-up with one line naming a bad variable', async () => {
    const child = startProcess({ PORT: 'abc' });
    let stderr = '';
    child.stderr?.on('data', (c) => {
      stderr += c;
    });
    const { code } = await exitOf(child);
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('Invalid configuration: PORT: expected a port number (got "abc")');
  }, 120_000);

  it('starts with an empty environment: embedded Postgres, sandbox banner, probes; Ctrl-C leaves no Postgres behind', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'fundraising-start-'));
    await chmod(dataDir, 0o755); // the embedded cluster runs as the postgres user when tests run as root
    const started = Date.now();
    const child = startProcess({ PORT: '0', DATA_DIR: dataDir });
    let output = '';
    child.stdout?.on('data', (c) => {
      output += c;
    });
    // Start-up time is a figure, not a check: a loaded machine takes longer (printed for the record).
    const [, url] = await waitFor(child, /Service\s+(http:\/\/localhost:\d+)/, 120_000);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    console.log(`npm start: ready after ${Date.now() - started} ms`);

    // No credentials configured: sandbox mode, said loudly, with the pages to look at.
    expect(output).toContain('SANDBOX MODE: fake ElevenLabs and fake HubSpot on this machine.');
    expect(output).toContain(`${url}/__sandbox/hubspot/lists`);
    // The job dashboard, behind the ops login whose password this run generated (printed, never logged).
    expect(output).toMatch(new RegExp(`Jobs\\s+${url}/ops/jobs`));
    expect(output).toContain(`${url}/ops/dead-letters (dead letters, redrive)`);
    expect(output).toMatch(/login: user ops, password \S+ \(generated for this run\)/);
    const lists = (await (await fetch(`${url}/__sandbox/hubspot/lists`)).json()) as {
      name: string;
      size: number;
    }[];
    expect(lists.find((l) => l.name === 'Spring appeal donors')?.size).toBe(250);

    const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
    const [pidLine, , , portLine] = (await readFile(pidFile, 'utf8')).split('\n');
    const postgresPid = Number(pidLine);
    expect(alive(postgresPid)).toBe(true);

    // Durable: a single-organisation install may keep its real data in this cluster.
    const password = (await readFile(path.join(dataDir, 'postgres.password'), 'utf8')).trim();
    const client = new pg.Client({
      connectionString: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${Number(portLine)}/postgres`,
    });
    await client.connect();
    try {
      const settings = await client.query<{ name: string; setting: string }>(
        `SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'full_page_writes') ORDER BY name`,
      );
      expect(settings.rows).toEqual([
        { name: 'fsync', setting: 'on' },
        { name: 'full_page_writes', setting: 'on' },
      ]);
      expect((await client.query<{ fsync: string }>('SHOW fsync')).rows[0]?.fsync).toBe('on');
    } finally {
      await client.end();
    }

    const exited = exitOf(child);
    child.kill('SIGINT');
    const { code, ms } = await exited;
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10_000);
    expect(existsSync(pidFile)).toBe(false);
    // The postmaster removes its pid file just before it exits; give it a moment to be gone.
    await waitUntil(() => !alive(postgresPid), { timeoutMs: 3_000, what: 'postgres to exit' });
  }, 180_000);
});
