import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_HOME } from '../service/src/db/first-run.js';
import { isAlive } from './helpers/child-process.js';
import { waitUntil } from './helpers/wait.js';

/**
 * "First run anywhere": `npm start` from a clone the postgres user cannot enter (root's home, mode 700), after a
 * crash that left a postmaster.pid, with the HTTP port taken, and with DATA_DIR on a full or read-only disk. Each
 * either works or ends with one line that names the folder (or port) and the fix, and no stack trace.
 */

const repo = path.resolve(import.meta.dirname, '..');
const isRoot = userInfo().uid === 0;
const START_ARGS = [
  '--max-old-space-size=512',
  '--conditions=source',
  '--import',
  'tsx',
  'service/src/main.ts',
];

interface Started {
  readonly child: ChildProcess;
  readonly lines: string[];
  readonly exited: Promise<number | null>;
}

/** Runs `npm start` (the same node command) in `cwd` with a newcomer's bare environment. */
function npmStart(cwd: string, env: Record<string, string>): Started {
  const child = spawn(process.execPath, START_ARGS, {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      pending += chunk;
      const complete = pending.split('\n');
      pending = complete.pop() ?? '';
      lines.push(...complete);
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, lines, exited };
}

async function serviceUrl(started: Started, timeoutMs = 60_000): Promise<string> {
  let url = '';
  await waitUntil(
    () => {
      if (started.child.exitCode !== null) throw new Error(`npm start exited:\n${started.lines.join('\n')}`);
      url = started.lines.map((l) => l.match(/Service\s+(http:\/\/localhost:\d+)/)?.[1]).find(Boolean) ?? '';
      return url !== '';
    },
    { timeoutMs, what: 'the service to be ready' },
  );
  return url;
}

/** The process ends with exit code 1 and its last line is this one, with no stack trace anywhere. */
async function expectOneLineFailure(started: Started, expected: string | RegExp): Promise<void> {
  const code = await started.exited;
  const out = started.lines.filter((l) => l.trim() !== '');
  expect(code, out.join('\n')).toBe(1);
  const last = out.at(-1) ?? '';
  if (typeof expected === 'string') expect(last).toBe(`Start-up failed: ${expected}`);
  else expect(last).toMatch(expected);
  expect(out.filter((l) => /^\s+at\s/.test(l) || /node:internal|Unhandled 'error'/.test(l))).toEqual([]);
}

async function stopGracefully(started: Started): Promise<void> {
  started.child.kill('SIGTERM');
  expect(await started.exited).toBe(0);
}

describe.runIf(isRoot)('npm start as root from a clone only root can enter', () => {
  let locked = '';
  let clone = '';
  let clusterDir = '';

  beforeAll(async () => {
    locked = await mkdtemp(path.join(tmpdir(), 'fundraising-locked-'));
    await chmod(locked, 0o700);
    clone = path.join(locked, 'repo');
    // The working tree as a clone would have it (committed or not), and node_modules hard-linked (fast).
    const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: repo,
    })
      .toString()
      .split('\0')
      .filter((f) => f !== '' && existsSync(path.join(repo, f)));
    await mkdir(clone);
    execFileSync('cp', ['--parents', '-t', clone, ...files], { cwd: repo });
    for (const dir of [
      'node_modules',
      'shared/node_modules',
      'service/node_modules',
      'crm-extension/node_modules',
    ]) {
      if (existsSync(path.join(repo, dir)))
        execFileSync('cp', ['-al', path.join(repo, dir), path.join(clone, dir)]);
    }
  });

  afterAll(async () => {
    if (clusterDir.startsWith(`${ROOT_HOME}/clusters/`))
      await rm(clusterDir, { recursive: true, force: true });
    if (locked) await rm(locked, { recursive: true, force: true });
  });

  it('works: the cluster and a copy of the binaries live in ROOT_HOME; a second start on it says one line', async () => {
    const first = npmStart(clone, {});
    const url = await serviceUrl(first);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    const location = await readFile(path.join(clone, '.data', 'postgres.location'), 'utf8');
    clusterDir = location.trim().split('\n').at(-1) ?? '';
    expect(clusterDir.startsWith(`${ROOT_HOME}/clusters/repo-`)).toBe(true);
    expect(location).toContain(`cannot enter ${locked}`);
    const postgresUid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    expect(statSync(clusterDir).uid).toBe(postgresUid);
    expect(existsSync(path.join(clusterDir, 'PG_VERSION'))).toBe(true);

    // The same clone started again while the first runs: its database is in use, and it says so.
    const second = npmStart(clone, {});
    await expectOneLineFailure(
      second,
      /^Start-up failed: \S+ is in use by the Postgres \(pid \d+\) of another running service \(pid \d+\): stop that one, or set DATA_DIR to another folder$/,
    );
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    await stopGracefully(first);
    expect(existsSync(path.join(clusterDir, 'postmaster.pid'))).toBe(false);
  }, 120_000);

  it('recovers from a power cut: Postgres and the service killed, or the stale pid reused by another process', async () => {
    expect(clusterDir).not.toBe('');
    const pidFile = path.join(clusterDir, 'postmaster.pid');

    // kill -9 of both the service and its Postgres: the pid file stays, naming a dead process.
    const first = npmStart(clone, {});
    await serviceUrl(first);
    const postmaster = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
    first.child.kill('SIGKILL');
    process.kill(postmaster, 'SIGKILL');
    await first.exited;
    await waitUntil(() => !isAlive(postmaster), { timeoutMs: 10_000, what: 'the postmaster to die' });
    expect(existsSync(pidFile)).toBe(true);

    const second = npmStart(clone, {});
    const url = await serviceUrl(second);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    await stopGracefully(second);

    // After a reboot the old pid may belong to some other process: Postgres alone would refuse to start.
    const other = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      await writeFile(pidFile, `${other.pid}\n${clusterDir}\n${Math.floor(Date.now() / 1000)}\n5432\n`);
      const third = npmStart(clone, {});
      const url3 = await serviceUrl(third);
      expect((await fetch(`${url3}/readyz`)).status).toBe(200);
      expect(isAlive(other.pid ?? 0)).toBe(true); // left alone
      await stopGracefully(third);
    } finally {
      other.kill('SIGKILL');
    }
  }, 120_000);

  it('says in one line that the HTTP port is taken', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const started = npmStart(clone, { PORT: String(port) });
      await expectOneLineFailure(
        started,
        `PORT ${port} is already in use: set PORT to a free port (PORT=0 picks one) or stop the other process`,
      );
    } finally {
      taken.close();
    }
  }, 60_000);
});

/** A small tmpfs for DATA_DIR, when this machine lets us mount one (root, not every container). */
async function mountTmpfs(options: string): Promise<string | undefined> {
  const dir = await mkdtemp(path.join(tmpdir(), 'fundraising-disk-'));
  await chmod(dir, 0o755);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    await rm(dir, { recursive: true, force: true });
    return undefined;
  }
}

async function unmount(dir: string | undefined): Promise<void> {
  if (!dir) return;
  execFileSync('umount', [dir]);
  await rm(dir, { recursive: true, force: true });
}

describe.runIf(isRoot)('npm start with DATA_DIR on a disk that cannot take it', () => {
  it('a full disk: one line naming the folder', async (context) => {
    const disk = await mountTmpfs('size=4m,mode=755');
    if (!disk) return context.skip();
    try {
      const started = npmStart(repo, { DATA_DIR: disk });
      await expectOneLineFailure(
        started,
        `the disk holding ${disk}/postgres is full: free some space, or set DATA_DIR to a folder on another disk`,
      );
    } finally {
      await unmount(disk);
    }
  }, 60_000);

  it('a read-only disk: one line naming the folder', async (context) => {
    const disk = await mountTmpfs('size=4m,mode=755,ro');
    if (!disk) return context.skip();
    try {
      const started = npmStart(repo, { DATA_DIR: disk });
      await expectOneLineFailure(
        started,
        `${disk} is on a read-only file system: set DATA_DIR to a writable folder`,
      );
    } finally {
      await unmount(disk);
    }
  }, 60_000);
});
