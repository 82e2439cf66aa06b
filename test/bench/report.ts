import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BenchResult } from './bench-types.js';
import type { CommitInfo, MachineInfo } from './machine.js';
import type { SummaryRow } from './summary.js';

export interface BenchOutcome {
  readonly name: string;
  readonly description: string;
  readonly seconds: number;
  readonly result?: BenchResult;
  readonly error?: string;
}

/** One run of `npm run bench`, as kept in bench-results/ to compare runs. */
export interface BenchRun {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly seconds: number;
  readonly commit: CommitInfo;
  readonly machine: MachineInfo;
  readonly database: string;
  /** The benchmarks this run ran, and whether that was all of them. */
  readonly benchmarks: readonly string[];
  readonly complete: boolean;
  /** The issue's table: every figure with its baseline, goal and verdict. */
  readonly summary: readonly SummaryRow[];
  /** Each benchmark's own figures, targets, notes and details. */
  readonly outcomes: readonly BenchOutcome[];
}

export const RESULTS_DIR = path.resolve('bench-results');

/** Two decimals, three under 1: a per-call rate of 0.053 must not print as 0.05 beside a goal of ≤ 0.05. */
export const formatNumber = (value: number) =>
  Number.isInteger(value)
    ? value.toLocaleString('en-US')
    : value.toLocaleString('en-US', { maximumFractionDigits: Math.abs(value) < 1 ? 3 : 2 });

/** A plain-text table per benchmark: its figures, its headline figures and targets with a verdict, then notes. */
export function renderTable(outcome: BenchOutcome): string {
  const lines = [`== ${outcome.name}: ${outcome.description} (${outcome.seconds.toFixed(0)} s)`];
  if (!outcome.result) {
    lines.push(`   ERROR ${outcome.error ?? 'unknown'}`);
    return lines.join('\n');
  }
  const { figures, targets, headlines, notes } = outcome.result;
  const labelWidth = Math.max(...figures.map((f) => f.label.length), 10);
  const valueWidth = Math.max(...figures.map((f) => formatNumber(f.value).length), 5);
  for (const f of figures) {
    lines.push(`   ${f.label.padEnd(labelWidth)}  ${formatNumber(f.value).padStart(valueWidth)} ${f.unit}`);
  }
  for (const h of headlines ?? []) {
    const verdict = h.pass === null ? '    ' : h.pass ? 'PASS' : 'MISS';
    lines.push(
      `   ${verdict} ${h.figure}${h.part ? ` (${h.part})` : ''}: ${formatNumber(h.measured)} ${h.unit}; ` +
        `${h.comparison} (goal ${h.goal})`,
    );
  }
  for (const t of targets) {
    const verdict = t.pass ? 'PASS' : 'FAIL';
    lines.push(
      `   ${verdict} ${t.label}: ${formatNumber(t.measured)} ${t.unit} (target ${t.relation ?? '<'} ${formatNumber(t.limit)} ${t.unit})`,
    );
  }
  for (const note of notes) lines.push(`   - ${note}`);
  return lines.join('\n');
}

/** bench-results/<UTC start, to the second>-<short commit>.json; returns the path. */
export async function writeResults(run: BenchRun): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const stamp = run.startedAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '');
  const file = path.join(RESULTS_DIR, `${stamp}-${run.commit.short}.json`);
  await writeFile(file, `${JSON.stringify(run, null, 2)}\n`);
  return file;
}
