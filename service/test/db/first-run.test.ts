import { describe, expect, it } from 'vitest';
import {
  blockingDirectory,
  canEnter,
  type DirStat,
  describeDiskFailure,
  oneLine,
  parsePidFile,
  portInUseMessage,
  relocatedClusterDir,
  unreachableMessage,
} from '../../src/db/first-run.js';

const postgres = { uid: 101, gids: [104, 103] };
const dir = (mode: number, uid = 0, gid = 0): DirStat => ({ mode: 0o040000 | mode, uid, gid });

describe('canEnter', () => {
  it('looks at the owner, then the group, then the others bits', () => {
    expect(canEnter(dir(0o700), postgres)).toBe(false);
    expect(canEnter(dir(0o755), postgres)).toBe(true);
    expect(canEnter(dir(0o711), postgres)).toBe(true);
    expect(canEnter(dir(0o700, 101), postgres)).toBe(true);
    expect(canEnter(dir(0o070, 101), postgres)).toBe(false); // owner bits decide for the owner
    expect(canEnter(dir(0o750, 0, 103), postgres)).toBe(true); // a supplementary group counts
    expect(canEnter(dir(0o705, 0, 104), postgres)).toBe(false); // group bits decide for the group
    expect(canEnter(dir(0o700), { uid: 0, gids: [0] })).toBe(true);
  });
});

describe('blockingDirectory', () => {
  const tree: Record<string, DirStat> = {
    '/': dir(0o755),
    '/root': dir(0o700),
    '/root/clone': dir(0o755),
    '/srv': dir(0o755),
    '/srv/app': dir(0o755),
  };
  const stat = (p: string) => tree[p];

  it('names the first directory on the way the user cannot enter', () => {
    expect(blockingDirectory('/root/clone/.data', postgres, stat)).toBe('/root');
  });

  it('is undefined when every directory on the way can be entered; missing ones are created later', () => {
    expect(blockingDirectory('/srv/app/.data/postgres', postgres, stat)).toBeUndefined();
  });
});

describe('relocatedClusterDir', () => {
  it('is under the root home, readable, and different for two clones', () => {
    const a = relocatedClusterDir('/root/clone/.data/postgres', '/var/lib/x');
    const b = relocatedClusterDir('/root/other/clone/.data/postgres', '/var/lib/x');
    expect(a).toMatch(/^\/var\/lib\/x\/clusters\/clone-[0-9a-f]{12}$/);
    expect(b).toMatch(/^\/var\/lib\/x\/clusters\/clone-[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
    expect(relocatedClusterDir('/root/clone/.data/postgres', '/var/lib/x')).toBe(a);
  });
});

describe('one-line messages', () => {
  it('says which port is taken and how to pick another', () => {
    expect(portInUseMessage(3000)).toBe(
      'PORT 3000 is already in use: set PORT to a free port (PORT=0 picks one) or stop the other process',
    );
  });

  it('names the directory that blocks and the fix', () => {
    expect(unreachableMessage('/root/c/.data/postgres', '/root', 0o40700)).toBe(
      'the postgres user cannot enter /root (mode 700), so it cannot reach the embedded Postgres cluster in ' +
        '/root/c/.data/postgres: run chmod o+x /root, or set DATA_DIR to a folder outside it',
    );
  });

  it('tells a full, a read-only and a forbidden disk apart, from codes or from what Postgres said', () => {
    expect(describeDiskFailure('ENOSPC', '/d')).toBe(
      'the disk holding /d is full: free some space, or set DATA_DIR to a folder on another disk',
    );
    expect(
      describeDiskFailure('initdb: error: could not write file "x": No space left on device', '/d'),
    ).toContain('is full');
    expect(describeDiskFailure('EROFS', '/d')).toBe(
      '/d is on a read-only file system: set DATA_DIR to a writable folder',
    );
    expect(describeDiskFailure('FATAL: could not create lock file: Read-only file system', '/d')).toContain(
      'read-only',
    );
    expect(describeDiskFailure('EACCES', '/d')).toContain('cannot write /d (permission denied)');
    expect(describeDiskFailure('FATAL: role "x" does not exist', '/d')).toBeUndefined();
  });

  it('collapses multi-line output into one line', () => {
    expect(oneLine('pg_ctl: could not start server\nExamine the log output.\n')).toBe(
      'pg_ctl: could not start server Examine the log output.',
    );
  });
});

describe('parsePidFile', () => {
  it('reads the pid and the data directory', () => {
    expect(parsePidFile('4242\n/var/lib/x/clusters/c\n1700000000\n5432\n')).toEqual({
      pid: 4242,
      dataDir: '/var/lib/x/clusters/c',
    });
  });

  it('is undefined for a file that is empty or cut short', () => {
    expect(parsePidFile('')).toBeUndefined();
    expect(parsePidFile('abc\n')).toBeUndefined();
  });
});
