import {
  dialsInsideWindows,
  frequencyCap,
  inFlightWithinCaps,
  maxAttempts,
  noDialToBlockedNumber,
  noNumberDialledTwiceAtOnce,
  retryPolicy,
} from './dial-checks.js';
import type { RunInputs, RunRecords } from './records.js';
import { INVARIANTS, type InvariantName, indexRun, type Violation } from './run-index.js';
import { enrolmentsCompletedOnce, finishedCallsWrittenOnce, tenantIsolation } from './write-checks.js';

/**
 * The full-loop proof's checker: a pure function of the outside world's records (the fake ElevenLabs' dials, the
 * fake HubSpot's writes) and the run's inputs, reporting every violation of each named invariant with its detail.
 * It reads none of our tables and nothing about how the run was driven, so fault runs can reuse it as it is.
 */

export type { InvariantName, Violation } from './run-index.js';
export { INVARIANTS } from './run-index.js';

export interface InvariantReport {
  readonly violations: readonly Violation[];
  readonly byInvariant: Readonly<Record<InvariantName, number>>;
  /** Dials that reached the provider after their window closed, but within the engine's dial lag of it. */
  readonly lateWithinLag: number;
}

export function checkInvariants(records: RunRecords, inputs: RunInputs): InvariantReport {
  const index = indexRun(records, inputs);
  const windows = dialsInsideWindows(index);
  const violations = [
    ...windows.violations,
    ...noDialToBlockedNumber(index),
    ...inFlightWithinCaps(index),
    ...maxAttempts(index),
    ...retryPolicy(index),
    ...frequencyCap(index),
    ...noNumberDialledTwiceAtOnce(index),
    ...finishedCallsWrittenOnce(index),
    ...enrolmentsCompletedOnce(index),
    ...tenantIsolation(index),
  ];
  const byInvariant = Object.fromEntries(
    INVARIANTS.map((name) => [name, violations.filter((v) => v.invariant === name).length]),
  ) as Record<InvariantName, number>;
  return { violations, byInvariant, lateWithinLag: windows.lateWithinLag };
}

/** A report for a failure message: counts per invariant, then the first violations of each. */
export function describeReport(report: InvariantReport, perInvariant = 5): string {
  const lines = INVARIANTS.map((name) => `${name}: ${report.byInvariant[name]}`);
  for (const name of INVARIANTS) {
    for (const v of report.violations.filter((x) => x.invariant === name).slice(0, perInvariant))
      lines.push(`  [${name}] ${v.detail}`);
  }
  return lines.join('\n');
}
