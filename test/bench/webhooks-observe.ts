import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

/**
 * Where the time went while a phase ran: how busy the server's event loop was (this thread: Express, the route,
 * the writer, pg-boss), how late its timers fired, and how many cores this process and the whole machine (with
 * Postgres) used. Tells a slow server apart from a saturated machine or a lagging sender.
 */
export interface Observed<T> {
  readonly value: T;
  readonly wallMs: number;
  /** Event-loop utilisation of the server thread, 0-1. */
  readonly serverElu: number;
  /** Event-loop delay of the server thread (how late a ready callback ran), ms. */
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
  /** Cores used by this process (server, sender thread, pg client code). */
  readonly processCores: number;
  /** Cores used by the whole machine (adds Postgres); NaN where /proc/stat is not readable. */
  readonly machineCores: number;
  readonly cores: number;
}

interface CpuTimes {
  busy: number;
  total: number;
}

/** The machine's aggregate CPU counters (Linux). */
function machineCpu(): CpuTimes | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

export async function observe<T>(fn: () => Promise<T>): Promise<Observed<T>> {
  const cores = availableParallelism();
  const delay = monitorEventLoopDelay({ resolution: 5 });
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const machine = machineCpu();
  const started = performance.now();
  delay.enable();
  const value = await fn();
  delay.disable();
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const machineAfter = machineCpu();
  const machineCores =
    machine && machineAfter && machineAfter.total > machine.total
      ? ((machineAfter.busy - machine.busy) / (machineAfter.total - machine.total)) * cores
      : Number.NaN;
  return {
    value,
    wallMs,
    serverElu: performance.eventLoopUtilization(elu).utilization,
    // The histogram counts from the resolution's expected firing; report the lateness beyond it.
    loopDelayP99Ms: Math.max(0, delay.percentile(99) / 1e6 - 5),
    loopDelayMaxMs: Math.max(0, delay.max / 1e6 - 5),
    processCores: (used.user + used.system) / 1000 / wallMs,
    machineCores,
    cores,
  };
}
