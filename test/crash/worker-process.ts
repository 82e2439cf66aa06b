import path from 'node:path';
import type { PlacementStep } from '../../service/src/campaigns/placement/place-call.js';
import { type ChildExit, startTsProcess } from '../helpers/child-process.js';
import { CRASH_MARKER, type CrashReport, READY_MARKER } from './crash-protocol.js';

const WORKER = path.join(import.meta.dirname, 'placement-worker.ts');

export interface WorkerEnv {
  readonly databaseUrl: string;
  readonly elevenLabsUrl: string;
  readonly hubSpotUrl: string;
  readonly clockOffsetMs: number;
  readonly concurrency: number;
  readonly crashAt?: PlacementStep;
  readonly crashAfter?: number;
}

export interface WorkerExit extends ChildExit {
  /** Set when the worker killed itself at a placement step. */
  readonly crash: CrashReport | null;
}

export interface WorkerProcess {
  readonly ready: Promise<void>;
  readonly exited: Promise<WorkerExit>;
  /** The worker's last lines of output, for a failure message. */
  output(): string;
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM (a graceful stop), then SIGKILL if it has not exited within the grace period. */
  stop(graceMs?: number): Promise<WorkerExit>;
}

/** Starts one placement worker process (see placement-worker.ts) the way `npm start` runs the service. */
export function startWorkerProcess(options: WorkerEnv): WorkerProcess {
  const child = startTsProcess(
    WORKER,
    {
      DATABASE_URL: options.databaseUrl,
      ELEVENLABS_URL: options.elevenLabsUrl,
      HUBSPOT_URL: options.hubSpotUrl,
      CLOCK_OFFSET_MS: String(options.clockOffsetMs),
      CONCURRENCY: String(options.concurrency),
      ...(options.crashAt ? { CRASH_AT: options.crashAt, CRASH_AFTER: String(options.crashAfter ?? 1) } : {}),
    },
    READY_MARKER,
  );
  let crash: CrashReport | null = null;
  child.onLine((line) => {
    if (line.startsWith(CRASH_MARKER)) crash = JSON.parse(line.slice(CRASH_MARKER.length)) as CrashReport;
  });
  const exited = child.exited.then((exit) => ({ ...exit, crash }));
  const ready = child.ready.then(() => {});
  // Most workers are never awaited for readiness (only the first is); one stopped before it got ready must not
  // turn into an unhandled rejection that fails the whole run.
  ready.catch(() => {});
  return {
    ready,
    exited,
    output: child.output,
    kill: child.kill,
    stop: async (graceMs) => {
      await child.stop(graceMs);
      return exited;
    },
  };
}
