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

export interface BenchResult {
  readonly figures: readonly Figure[];
  readonly targets: readonly Target[];
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
