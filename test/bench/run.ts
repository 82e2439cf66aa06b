/**
 * `npm run bench [-- name ...]`: starts a Postgres of its own (DATABASE_URL when set, else an embedded cluster),
 * runs the registered benchmarks (all, or those whose names are given), prints a table per benchmark and writes
 * every figure to .data/bench-results.json. Exits 1 when a benchmark fails or misses its target.
 */
import path from 'node:path';
import { settleBenchServer, startBenchServer } from './bench-postgres.js';
import type { Benchmark } from './bench-types.js';
import { csvExportBenchmark } from './csv-export.bench.js';
import { dispatcherBenchmark } from './dispatcher.bench.js';
import { lostWebhooksBenchmark } from './lost-webhooks.bench.js';
import { providerLimitBenchmark } from './provider-limit.bench.js';
import { type BenchOutcome, renderTable, writeResults } from './report.js';
import { scaleOutBenchmark } from './scale-out.bench.js';
import { webhooksBenchmark } from './webhooks.bench.js';

/** Add a benchmark here to have `npm run bench` run it. */
export const benchmarks: readonly Benchmark[] = [
  dispatcherBenchmark,
  webhooksBenchmark,
  lostWebhooksBenchmark,
  providerLimitBenchmark,
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
  const server = await startBenchServer();
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
  const file = await writeResults({
    startedAt,
    finishedAt: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    database: server.source,
    outcomes,
  });
  console.log(`results written to ${path.relative(process.cwd(), file)}`);
  const failed = outcomes.some((o) => !o.result || o.result.targets.some((t) => !t.pass));
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
