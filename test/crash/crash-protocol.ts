import type { PlacementStep } from '../../service/src/campaigns/placement/place-call.js';

/** What the crash test and its worker process say to each other, over the worker's stdout and stderr. */

export const PLACEMENT_STEPS = [
  'loaded',
  'checked',
  'paced',
  'marked-dialing',
  'answered',
  'recorded',
] as const satisfies readonly PlacementStep[];

// Fails to compile when the engine gains a step this list does not crash at.
type Uncovered = Exclude<PlacementStep, (typeof PLACEMENT_STEPS)[number]>;
export const EVERY_STEP_COVERED: [Uncovered] extends [never] ? true : never = true;

/** Written to stdout once the workers and the dispatcher run. */
export const READY_MARKER = 'CRASH-WORKER-READY';

/** Prefixes the line written to stderr just before the worker kills itself. */
export const CRASH_MARKER = 'CRASH-WORKER-DIED ';

export interface CrashReport {
  readonly step: PlacementStep;
  readonly attemptId: string;
  /** The how-many-th time this process reached the step. */
  readonly hit: number;
}

/** Written to stdout by service-process.ts once the service runs, followed by its URL. */
export const SERVICE_READY_MARKER = 'SERVICE-READY';
