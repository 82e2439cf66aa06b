/**
 * The proof suites (e2e, faults, fuzz) run twice over: in a bounded quick form inside `npm test`, and in full with
 * `npm run test:stress` (STRESS=1), which scales their sizes (inputs, kills, contacts) up.
 */
export const STRESS = process.env.STRESS === '1';

/** `quick` in `npm test`, `full` under `npm run test:stress`. */
export function stressScaled<T>(quick: T, full: T): T {
  return STRESS ? full : quick;
}
