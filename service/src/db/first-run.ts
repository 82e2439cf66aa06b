import { createHash } from 'node:crypto';
import path from 'node:path';

/**
 * Pure pieces of the embedded Postgres' first run: who can reach which folder, where the cluster goes when the
 * `postgres` user cannot reach DATA_DIR, and the one-line messages a start-up failure is reported with.
 */

/** A start-up problem the user can fix, reported as this one line (no stack trace). */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** Where the embedded Postgres lives when the service runs as root and `postgres` cannot reach DATA_DIR. */
export const ROOT_HOME = '/var/lib/ai-voice-fundraising';

export interface Account {
  readonly uid: number;
  readonly gids: readonly number[];
}

export interface DirStat {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

/** Whether this account may enter (search) a directory with these owner and mode bits. ACLs are not looked at. */
export function canEnter(stat: DirStat, account: Account): boolean {
  if (account.uid === 0) return true;
  if (stat.uid === account.uid) return (stat.mode & 0o100) !== 0;
  if (account.gids.includes(stat.gid)) return (stat.mode & 0o010) !== 0;
  return (stat.mode & 0o001) !== 0;
}

/**
 * The first directory on the way to `target` (its ancestors and itself) that the account cannot enter, or
 * undefined when it can get all the way. Directories that do not exist yet are skipped: we create them.
 */
export function blockingDirectory(
  target: string,
  account: Account,
  stat: (dir: string) => DirStat | undefined,
): string | undefined {
  const absolute = path.resolve(target);
  const dirs: string[] = [];
  for (let dir = absolute; ; dir = path.dirname(dir)) {
    dirs.unshift(dir);
    if (path.dirname(dir) === dir) break;
  }
  for (const dir of dirs) {
    const s = stat(dir);
    if (s && !canEnter(s, account)) return dir;
  }
  return undefined;
}

/** The cluster folder of a DATA_DIR under ROOT_HOME: readable name, and a hash so two clones never share one. */
export function relocatedClusterDir(clusterDir: string, home = ROOT_HOME): string {
  const absolute = path.resolve(clusterDir);
  const hash = createHash('sha256').update(absolute).digest('hex').slice(0, 12);
  const readable = path
    .basename(path.dirname(path.dirname(absolute)))
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .slice(0, 40);
  return path.join(home, 'clusters', `${readable || 'data'}-${hash}`);
}

export function unreachableMessage(dir: string, blocker: string, mode: number): string {
  return (
    `the postgres user cannot enter ${blocker} (mode ${(mode & 0o777).toString(8)}), so it cannot reach the ` +
    `embedded Postgres cluster in ${dir}: run chmod o+x ${blocker}, or set DATA_DIR to a folder outside it`
  );
}

export function portInUseMessage(port: number | string): string {
  return `PORT ${port} is already in use: set PORT to a free port (PORT=0 picks one) or stop the other process`;
}

/**
 * One line for a failure of the file system under `dir` (read-only, full, no permission), from an error code or
 * from what initdb, pg_ctl or the server log said; undefined when it is none of these.
 */
export function describeDiskFailure(codeOrText: string, dir: string): string | undefined {
  if (/\bENOSPC\b|No space left on device|could not extend file/i.test(codeOrText)) {
    return `the disk holding ${dir} is full: free some space, or set DATA_DIR to a folder on another disk`;
  }
  if (/\bEROFS\b|Read-only file system/i.test(codeOrText)) {
    return `${dir} is on a read-only file system: set DATA_DIR to a writable folder`;
  }
  if (/\bEACCES\b|\bEPERM\b|Permission denied|Operation not permitted/i.test(codeOrText)) {
    return `cannot write ${dir} (permission denied): set DATA_DIR to a folder you can write, or fix its permissions`;
  }
  return undefined;
}

export interface PidFile {
  readonly pid: number;
  readonly dataDir: string | undefined;
}

/** The first lines of postmaster.pid: the postmaster's pid, then its data directory. */
export function parsePidFile(text: string): PidFile | undefined {
  const [pidLine, dirLine] = text.split('\n');
  const pid = Number(pidLine?.trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return { pid, dataDir: dirLine?.trim() || undefined };
}

/** Collapses a multi-line message (pg_ctl's stderr, say) into the one line start-up failures are printed as. */
export function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}
