import type { TestDatabase } from '../helpers/database.js';

/** One number a benchmark reports, e.g. the median milliseconds per dispatch tick. */
export interface Figure {
  readonly label: string;
  readonly value: number;
  readonly unit: string;
}

/** What the issue promises, checked against a figure measured in the same run. */
export interface Target {
  readonly label: string;
  readonly measured: number;
  readonly limit: number;
  readonly unit: string;
  /** How measured must stand to limit; `<` when not given. */
  readonly relation?: '<' | '<=';
  readonly pass: boolean;
}

/** The figures, in the order the closing summary table prints them. */
export type HeadlineFigure =
  | 'provider-busy'
  | 'due-to-dial'
  | 'webhook-ingestion'
  | 'webhook-ack'
  | 'hubspot-requests'
  | 'import-100k'
  | 'dispatcher-tick'
  | 'csv-export'
  | 'scale-out';

/** What a headline figure is compared with. */
export interface Baseline {
  readonly value: number;
  readonly unit: string;
  /** What it is, e.g. "raw pg-boss send()" or "the account cap". */
  readonly what: string;
  /** Measured in this run beside the figure, or a stated constant (a setting, a published limit). */
  readonly source: 'same run' | 'constant';
}

/**
 * One row of the closing summary table: one of the figures (or one part of it, e.g. the p95 of
 * "p50 / p95") beside its baseline, with the goal and whether this run met it.
 */
export interface Headline {
  readonly figure: HeadlineFigure;
  /** The sub-row, e.g. "p95" or "4 workers, dials/s"; empty when the figure has one row. */
  readonly part: string;
  readonly measured: number;
  readonly unit: string;
  readonly baseline: Baseline | null;
  /** The figure against its baseline or goal, in words: "0.62x raw send", "97% of the cap". */
  readonly comparison: string;
  readonly goal: string;
  /** null: shown beside a row that has the goal (a p50 beside its p95), with no goal of its own. */
  readonly pass: boolean | null;
  /** For a missed goal: what the run measured about where the time or capacity went (printed under the table). */
  readonly evidence?: string;
}

export interface BenchResult {
  readonly figures: readonly Figure[];
  /** Promises of the benchmark beyond the headline figures (integrity, invariants), with PASS/FAIL. */
  readonly targets: readonly Target[];
  /** The figures this benchmark measures; any with pass false makes the run exit 1. */
  readonly headlines?: readonly Headline[];
  /** How the figures were taken (setup, what is and is not timed), printed under the table. */
  readonly notes: readonly string[];
  /** Anything else worth keeping in the JSON file (per-statement breakdowns, server settings). */
  readonly details?: Record<string, unknown>;
}

export interface BenchContext {
  /** A fresh, migrated database of its own; the benchmark drops it when done. */
  createDatabase(): Promise<TestDatabase>;
  /** Progress for the person watching (seeding a million rows takes a while). */
  log(message: string): void;
}

export interface Benchmark {
  readonly name: string;
  readonly description: string;
  run(ctx: BenchContext): Promise<BenchResult>;
}

/** The value below which `fraction` of the sorted samples fall (nearest rank). */
export function percentile(samples: readonly number[], fraction: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(fraction * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
}

export interface Summary {
  readonly median: number;
  readonly p95: number;
  readonly max: number;
}

export function summarise(samples: readonly number[]): Summary {
  return {
    median: median(samples),
    p95: percentile(samples, 0.95),
    max: samples.length ? Math.max(...samples) : Number.NaN,
  };
}

/** Milliseconds with a resolution that means something on a noisy machine. */
export function ms(value: number): number {
  return Math.round(value * 100) / 100;
}
