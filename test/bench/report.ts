import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BenchResult } from './bench-types.js';

export interface BenchOutcome {
  readonly name: string;
  readonly description: string;
  readonly seconds: number;
  readonly result?: BenchResult;
  readonly error?: string;
}

export interface BenchRun {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly node: string;
  readonly platform: string;
  readonly database: string;
  readonly outcomes: readonly BenchOutcome[];
}

export const RESULTS_FILE = path.resolve('.data', 'bench-results.json');

const format = (value: number) =>
  Number.isInteger(value)
    ? value.toLocaleString('en-US')
    : value.toLocaleString('en-US', { maximumFractionDigits: 2 });

/** A plain-text table per benchmark: its figures, then each target with PASS/FAIL, then how it was measured. */
export function renderTable(outcome: BenchOutcome): string {
  const lines = [`== ${outcome.name}: ${outcome.description} (${outcome.seconds.toFixed(0)} s)`];
  if (!outcome.result) {
    lines.push(`   ERROR ${outcome.error ?? 'unknown'}`);
    return lines.join('\n');
  }
  const { figures, targets, notes } = outcome.result;
  const labelWidth = Math.max(...figures.map((f) => f.label.length), 10);
  const valueWidth = Math.max(...figures.map((f) => format(f.value).length), 5);
  for (const f of figures) {
    lines.push(`   ${f.label.padEnd(labelWidth)}  ${format(f.value).padStart(valueWidth)} ${f.unit}`);
  }
  for (const t of targets) {
    const verdict = t.pass ? 'PASS' : 'FAIL';
    lines.push(
      `   ${verdict} ${t.label}: ${format(t.measured)} ${t.unit} (target ${t.relation ?? '<'} ${format(t.limit)} ${t.unit})`,
    );
  }
  for (const note of notes) lines.push(`   - ${note}`);
  return lines.join('\n');
}

export async function writeResults(run: BenchRun): Promise<string> {
  await mkdir(path.dirname(RESULTS_FILE), { recursive: true });
  await writeFile(RESULTS_FILE, `${JSON.stringify(run, null, 2)}\n`);
  return RESULTS_FILE;
}
