import { availableParallelism } from 'node:os';
import type { Queryable } from '../../service/src/db/pool.js';
import type { Figure } from './bench-types.js';
import { cpuSnapshot, cpuUse, localPostmaster } from './cpu-sampler.js';

/**
 * Cores in use on average while a phase ran, by who used them: this run's Postgres server, this process (the
 * service under test, the fakes and the load generator when they run in it) and everything else on the machine
 * (other engineers' test runs on a shared host). A figure measured while "other" took a core is not this code's.
 */
export interface CpuSplit {
  readonly cores: number;
  readonly machine: number;
  /** NaN when the server is not on this machine. */
  readonly postgres: number;
  readonly self: number;
  readonly other: number;
  /** Share of the phase this process's main thread spent ready to run but waiting for a CPU. */
  readonly selfWaiting: number;
  /** The same summed over this run's Postgres processes (0.5: half a process waiting all the time). */
  readonly postgresWaiting: number;
}

/** The postmaster of the database behind `db`, when it runs here; null otherwise. */
export async function benchPostmaster(db: Queryable): Promise<number | null> {
  const { rows } = await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return localPostmaster(rows[0]?.pid ?? 0);
}

export async function withCpuSplit<T>(
  postmaster: number | null,
  fn: () => Promise<T>,
): Promise<{ value: T; cpu: CpuSplit }> {
  const before = await cpuSnapshot([process.pid], postmaster);
  const value = await fn();
  const use = cpuUse(before, await cpuSnapshot([process.pid], postmaster));
  const cores = availableParallelism();
  const machine = use.machineBusyShare * cores;
  const postgres = postmaster === null ? Number.NaN : use.postgresCores;
  const self = use.cores([process.pid]);
  return {
    value,
    cpu: {
      cores,
      machine,
      postgres,
      self,
      other: Math.max(0, machine - (postgres || 0) - self),
      selfWaiting: use.waiting([process.pid]),
      postgresWaiting: postmaster === null ? Number.NaN : use.postgresWaiting,
    },
  };
}

const r2 = (n: number) => Math.round(n * 100) / 100;

export function describeCpu(c: CpuSplit): string {
  return (
    `machine ${r2(c.machine)} of ${c.cores} cores busy: Postgres ${r2(c.postgres)}, this process ` +
    `${r2(c.self)}, other load ${r2(c.other)}; waiting for a CPU: this process's main thread ` +
    `${Math.round(c.selfWaiting * 100)}% of the time, Postgres processes ${r2(c.postgresWaiting)} on average`
  );
}

export function cpuFigures(phase: string, c: CpuSplit): Figure[] {
  return [
    { label: `${phase}: cores busy, whole machine`, value: r2(c.machine), unit: `of ${c.cores}` },
    { label: `${phase}: cores, this run's Postgres`, value: r2(c.postgres), unit: '' },
    { label: `${phase}: cores, this process`, value: r2(c.self), unit: '' },
    { label: `${phase}: cores, other load on the machine`, value: r2(c.other), unit: '' },
    {
      label: `${phase}: main thread waiting for a CPU`,
      value: Math.round(c.selfWaiting * 100),
      unit: '% of the time',
    },
    {
      label: `${phase}: Postgres processes waiting for a CPU`,
      value: r2(c.postgresWaiting),
      unit: 'on average',
    },
  ];
}
