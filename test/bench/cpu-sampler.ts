import { readdir, readFile } from 'node:fs/promises';

/**
 * Where the machine's CPU went during a measurement, from Linux's /proc: the whole machine, the Postgres server's
 * processes (the benchmark's own server when its postmaster is known, else every process named `postgres` on the
 * machine: other test runs' clusters would count too), and given processes (the service's). Says which of them a
 * throughput figure was limited by. Zeros elsewhere than Linux.
 */

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on every mainstream Linux). */
const TICKS_PER_SECOND = 100;

export interface CpuSnapshot {
  readonly atMs: number;
  /** Ticks of all cores: busy and in total. */
  readonly machineBusy: number;
  readonly machineTotal: number;
  /** Ticks of each `postgres` process. */
  readonly postgres: ReadonlyMap<number, number>;
  /** The postmaster was known: its ticks include its exited backends' (see processTicks). */
  readonly reaped: boolean;
  readonly byPid: ReadonlyMap<number, number>;
  /** Nanoseconds each process above (its main thread) has spent runnable but waiting for a CPU. */
  readonly runQueueNs: ReadonlyMap<number, number>;
}

/** Cores in use on average between two snapshots (2 = both cores of a 2-core machine, busy all the time). */
export interface CpuUse {
  readonly machineBusyShare: number;
  readonly postgresCores: number;
  /** Summed over the pids asked for. */
  readonly cores: (pids: readonly number[]) => number;
  /**
   * Time spent ready to run but waiting for a CPU, per second of the window: summed over this server's
   * processes alive at both snapshots, and over the main threads of the pids asked for. 0.3 means the thread
   * lost 30% of the window to others' turns on the CPUs: what a saturated machine does to latency.
   */
  readonly postgresWaiting: number;
  readonly waiting: (pids: readonly number[]) => number;
}

async function statFields(pid: number | string): Promise<string[] | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: fields are counted after its closing parenthesis.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null; // gone, or not Linux
  }
}

/**
 * utime + stime (fields 14 and 15); `withChildren` adds cutime + cstime (16 and 17), the time of children it
 * has reaped: for a postmaster, the backends that exited (a pool closing an idle connection, a service stopping
 * before the snapshot after it), whose time would otherwise leave with them.
 */
/** /proc/<pid>/schedstat's second field: time runnable but not running, in ns (the main thread for a pid). */
async function runQueueNs(pid: number): Promise<number | null> {
  try {
    return Number((await readFile(`/proc/${pid}/schedstat`, 'utf8')).split(' ')[1]);
  } catch {
    return null;
  }
}

async function processTicks(pid: number | string, withChildren = false): Promise<number | null> {
  const fields = await statFields(pid);
  if (!fields) return null;
  const own = Number(fields[11]) + Number(fields[12]);
  return withChildren ? own + Number(fields[13]) + Number(fields[14]) : own;
}

/** The parent of a process (for a Postgres backend: its postmaster); null when unknown. */
export async function parentPid(pid: number): Promise<number | null> {
  const fields = await statFields(pid);
  return fields ? Number(fields[1]) : null; // ppid (field 4)
}

/**
 * The postmaster of a backend of ours (SELECT pg_backend_pid()), when that server runs on this machine: a
 * `postgres` process whose parent is one too. Null for a server elsewhere (its pid means nothing here).
 */
export async function localPostmaster(backendPid: number): Promise<number | null> {
  const comm = async (pid: number) => (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
  if ((await comm(backendPid)) !== 'postgres') return null;
  const parent = await parentPid(backendPid);
  return parent !== null && (await comm(parent)) === 'postgres' ? parent : null;
}

/**
 * `postmaster`: the server whose processes count as Postgres (it and its children); without it every process
 * named postgres on the machine counts.
 */
export async function cpuSnapshot(pids: readonly number[], postmaster?: number | null): Promise<CpuSnapshot> {
  const atMs = Date.now();
  let machineBusy = 0;
  let machineTotal = 0;
  const postgres = new Map<number, number>();
  try {
    const cpu =
      (await readFile('/proc/stat', 'utf8')).split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    machineTotal = cpu.reduce((sum, n) => sum + n, 0);
    machineBusy = machineTotal - (cpu[3] ?? 0) - (cpu[4] ?? 0); // minus idle and iowait
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const comm = await readFile(`/proc/${entry}/comm`, 'utf8').catch(() => '');
      if (comm.trim() !== 'postgres') continue;
      const pid = Number(entry);
      if (postmaster && pid !== postmaster && (await parentPid(pid)) !== postmaster) continue;
      postgres.set(pid, (await processTicks(entry, pid === postmaster)) ?? 0);
    }
  } catch {
    // Not Linux: no figures.
  }
  const byPid = new Map<number, number>();
  for (const pid of pids) byPid.set(pid, (await processTicks(pid)) ?? 0);
  const runQueue = new Map<number, number>();
  for (const pid of [...postgres.keys(), ...pids]) {
    const ns = await runQueueNs(pid);
    if (ns !== null) runQueue.set(pid, ns);
  }
  return {
    atMs,
    machineBusy,
    machineTotal,
    postgres,
    byPid,
    reaped: Boolean(postmaster),
    runQueueNs: runQueue,
  };
}

export function cpuUse(before: CpuSnapshot, after: CpuSnapshot): CpuUse {
  const seconds = Math.max(0.001, (after.atMs - before.atMs) / 1000);
  const waited = (pids: readonly number[]) =>
    pids.reduce((sum, pid) => {
      const [b, a] = [before.runQueueNs.get(pid), after.runQueueNs.get(pid)];
      return b === undefined || a === undefined ? sum : sum + a - b;
    }, 0);
  const cores = (ticks: number) => ticks / TICKS_PER_SECOND / seconds;
  const totalTicks = after.machineTotal - before.machineTotal;
  return {
    machineBusyShare: totalTicks > 0 ? (after.machineBusy - before.machineBusy) / totalTicks : 0,
    // A backend started during the window counts in full. One that exited: with the postmaster known, its whole
    // life is in the postmaster's reaped time, so its ticks before the window come off; without, it takes its
    // ticks with it (a slight undercount: the pools keep their connections open).
    postgresCores: cores(
      after.reaped
        ? sum(after.postgres.values()) - sum(before.postgres.values())
        : [...after.postgres].reduce(
            (total, [pid, ticks]) => total + ticks - (before.postgres.get(pid) ?? 0),
            0,
          ),
    ),
    cores: (pids) =>
      cores(pids.reduce((sum, pid) => sum + (after.byPid.get(pid) ?? 0) - (before.byPid.get(pid) ?? 0), 0)),
    postgresWaiting: waited([...after.postgres.keys()]) / 1e9 / seconds,
    waiting: (pids) => waited(pids) / 1e9 / seconds,
  };
}

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
