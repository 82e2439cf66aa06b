/**
 * `npm run bench [-- name ...]`: starts a Postgres of its own (DATABASE_URL when set, else an embedded cluster),
 * runs the registered benchmarks (all, or those whose names are given), prints a table per benchmark, then the
 * issue's summary table (each figure beside its baseline, goal and verdict), and writes the run with its commit
 * and machine to bench-results/. Exits 1 when a benchmark fails, misses a target or misses a goal.
 */
import path from 'node:path';
import { settleBenchServer, startBenchServer } from './bench-postgres.js';
import type { Benchmark } from './bench-types.js';
import { csvExportBenchmark } from './csv-export.bench.js';
import { dispatcherBenchmark } from './dispatcher.bench.js';
import { dueToDialBenchmark } from './due-to-dial.bench.js';
import { hubspotRequestsBenchmark } from './hubspot-requests.bench.js';
import { importBenchmark } from './import.bench.js';
import { lostWebhooksBenchmark } from './lost-webhooks.bench.js';
import { commitInfo, endLoad, machineInfo } from './machine.js';
import { providerLimitBenchmark } from './provider-limit.bench.js';
import { type BenchOutcome, renderTable, writeResults } from './report.js';
import { scaleOutBenchmark } from './scale-out.bench.js';
import { renderSummary, summaryRows } from './summary.js';
import { webhooksBenchmark } from './webhooks.bench.js';

/** Add a benchmark here to have `npm run bench` run it. */
export const benchmarks: readonly Benchmark[] = [
  dispatcherBenchmark,
  webhooksBenchmark,
  lostWebhooksBenchmark,
  providerLimitBenchmark,
  dueToDialBenchmark,
  hubspotRequestsBenchmark,
  importBenchmark,
  csvExportBenchmark,
  scaleOutBenchmark,
];

function selected(names: readonly string[]): Benchmark[] {
  if (names.length === 0) return [...benchmarks];
  const unknown = names.filter((n) => !benchmarks.some((b) => b.name === n));
  if (unknown.length) {
    throw new Error(
      `unknown benchmark ${unknown.join(', ')}; known: ${benchmarks.map((b) => b.name).join(', ')}`,
    );
  }
  return benchmarks.filter((b) => names.includes(b.name));
}

async function main(): Promise<number> {
  const chosen = selected(process.argv.slice(2));
  const startedAt = new Date().toISOString();
  const runStarted = performance.now();
  // Read before anything runs: the commit measured, not one made while the run went on.
  const commit = commitInfo();
  const server = await startBenchServer();
  const machine = await machineInfo(server.adminUrl).catch(async (error: unknown) => {
    await server.stop();
    throw error;
  });
  const outcomes: BenchOutcome[] = [];
  try {
    for (const bench of chosen) {
      const log = (message: string) => console.log(`[${bench.name}] ${message}`);
      await settleBenchServer(server.adminUrl);
      const started = performance.now();
      let outcome: BenchOutcome;
      try {
        const result = await bench.run({ createDatabase: () => server.createDatabase(), log });
        outcome = { name: bench.name, description: bench.description, seconds: elapsed(started), result };
      } catch (error) {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        outcome = {
          name: bench.name,
          description: bench.description,
          seconds: elapsed(started),
          error: message,
        };
      }
      outcomes.push(outcome);
      console.log(`\n${renderTable(outcome)}\n`);
    }
  } finally {
    await server.stop();
  }
  const summary = summaryRows(outcomes);
  const seconds = elapsed(runStarted);
  const machineAtEnd = endLoad(machine);
  console.log(
    `== summary: commit ${commit.short}${commit.dirty ? ' (with uncommitted changes)' : ''}, ` +
      `${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}, ` +
      `${machine.postgres.split(' on ')[0]}; load average ${machine.loadAverage.start} at the start, ` +
      `${machineAtEnd.loadAverage.end} at the end; ${(seconds / 60).toFixed(1)} min\n`,
  );
  console.log(`${renderSummary(summary)}\n`);
  const file = await writeResults({
    startedAt,
    finishedAt: new Date().toISOString(),
    seconds: Math.round(seconds),
    commit,
    machine: machineAtEnd,
    database: server.source,
    benchmarks: chosen.map((b) => b.name),
    complete: chosen.length === benchmarks.length,
    summary,
    outcomes,
  });
  console.log(`results written to ${path.relative(process.cwd(), file)}`);
  const failed = outcomes.some(
    (o) =>
      !o.result ||
      o.result.targets.some((t) => !t.pass) ||
      (o.result.headlines ?? []).some((h) => h.pass === false),
  );
  return failed ? 1 : 0;
}

function elapsed(started: number): number {
  return (performance.now() - started) / 1000;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
