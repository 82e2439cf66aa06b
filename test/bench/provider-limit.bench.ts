import { type ProviderLimitRun, runAtProviderLimit } from '../helpers/provider-limit-run.js';
import { type Benchmark, ms, percentile } from './bench-types.js';
import { benchPostmaster, cpuFigures, describeCpu, withCpuSplit } from './cpu-split.js';

const CONTACTS = 1_000;
const LIMIT = 20;
/** The goal: the provider's lines busy at least this share of the time while contacts are due. */
const GOAL_BUSY = 0.95;
const TARGET_IN_BAND = 0.9;

/**
 * Keeping the provider's lines busy: 1,000 donors who answer and decline, 20 lines (account cap = the fake's
 * limit), calls 33x faster. While contacts are due, the calls in flight should sit at the cap nearly all the time
 * and never above it. Beside the share: how long a line freed by an ended call waits for its next dial, which is
 * where any idle capacity goes.
 */
export const providerLimitBenchmark: Benchmark = {
  name: 'provider-limit',
  description: `${CONTACTS} contacts against a ${LIMIT}-line provider: calls in flight while contacts are due`,
  async run(ctx) {
    const db = await ctx.createDatabase();
    try {
      const { value: run, cpu } = await withCpuSplit(await benchPostmaster(db.pool), () =>
        runAtProviderLimit(db, { contacts: CONTACTS, limit: LIMIT, timeScale: 0.03 }),
      );
      const samples = run.steadySamples;
      const inBand = samples.filter((n) => n >= LIMIT - 1 && n <= LIMIT).length / Math.max(1, samples.length);
      const mean = samples.reduce((s, n) => s + n, 0) / Math.max(1, samples.length);
      const busy = mean / LIMIT;
      const gaps = refillGaps(run, LIMIT);
      const gapP50 = percentile(gaps, 0.5);
      const gapP95 = percentile(gaps, 0.95);
      const callMs = callLengths(run);
      const never = run.maxConcurrent <= LIMIT && run.rejectedAtCapacity === 0;
      const cap = {
        value: LIMIT,
        unit: 'calls',
        what: 'the concurrency cap; ElevenLabs batch calling uses 50–70% of it by default',
        source: 'constant',
      } as const;
      return {
        figures: [
          { label: 'samples while due (every 25 ms)', value: samples.length, unit: '' },
          { label: 'calls in flight, mean', value: ms(mean), unit: `of ${LIMIT}` },
          {
            label: `share of samples at ${LIMIT - 1}-${LIMIT}`,
            value: Math.round(inBand * 1000) / 10,
            unit: '%',
          },
          { label: 'most in flight at once', value: run.maxConcurrent, unit: '' },
          { label: 'dials refused with 429', value: run.rejectedAtCapacity, unit: '' },
          {
            label: 'call length at the fake, median',
            value: Math.round(percentile(callMs, 0.5)),
            unit: 'ms',
          },
          { label: 'line freed → next dial, median', value: ms(gapP50), unit: 'ms' },
          { label: 'line freed → next dial, p95', value: ms(gapP95), unit: 'ms' },
          { label: 'lines refilled (ends matched to a later dial)', value: gaps.length, unit: '' },
          ...cpuFigures('whole run', cpu),
        ],
        headlines: [
          {
            figure: 'provider-busy',
            part: 'mean calls in flight / cap',
            measured: Math.round(busy * 1000) / 10,
            unit: '%',
            baseline: cap,
            comparison: `${ms(mean)} of ${LIMIT} lines busy on average`,
            goal: `≥ ${GOAL_BUSY * 100}%`,
            pass: busy >= GOAL_BUSY,
            evidence:
              `a line freed by an ended call waited ${ms(gapP50)} ms (median; p95 ${ms(gapP95)} ms) for its ` +
              `next dial, against calls of ${Math.round(percentile(callMs, 0.5))} ms (median): the refill is ` +
              `outcome → dispatcher nudge → tick → placement job → dial; ${describeCpu(cpu)}`,
          },
          {
            figure: 'provider-busy',
            part: 'most in flight, 429 refusals',
            measured: run.maxConcurrent,
            unit: 'calls',
            baseline: cap,
            comparison: `${run.maxConcurrent} of ${LIMIT} at most; ${run.rejectedAtCapacity} refused with 429`,
            goal: 'never above the cap, no 429',
            pass: never,
          },
        ],
        targets: [
          {
            label: `samples with fewer than ${LIMIT - 1} in flight (i.e. at least ${TARGET_IN_BAND * 100}% at ${LIMIT - 1}-${LIMIT})`,
            measured: Math.round((1 - inBand) * 1000) / 1000,
            limit: Math.round((1 - TARGET_IN_BAND) * 1000) / 1000,
            unit: '',
            relation: '<=',
            pass: inBand >= TARGET_IN_BAND,
          },
        ],
        notes: [
          'The sandbox service with an outcome shim (no webhook processing), dispatch every 500 ms and at once when',
          'a call ends; the share depends on how busy the machine is: compare it with the other figures of the run.',
          '"Line freed → next dial": each call that ended while contacts were due, matched in order with the first',
          'dial after it that the fake received (both on the fake’s clock).',
        ],
      };
    } finally {
      await db.drop();
    }
  },
};

/**
 * For each call that ended while contacts were due (after the first `limit` dials filled the lines, before the
 * last dial), the wait until a dial took its line: ends and later dials matched first come, first served.
 */
function refillGaps(run: ProviderLimitRun, limit: number): number[] {
  const starts = run.dialTimes.map((d) => d.atMs).sort((a, b) => a - b);
  const from = starts[limit - 1];
  const until = starts.at(-1);
  if (from === undefined || until === undefined) return [];
  const ends = run.dialTimes
    .flatMap((d) => (d.endedAtMs !== null && d.endedAtMs >= from && d.endedAtMs < until ? [d.endedAtMs] : []))
    .sort((a, b) => a - b);
  const gaps: number[] = [];
  let next = starts.findIndex((s) => s > from);
  for (const end of ends) {
    while (next >= 0 && next < starts.length && (starts[next] ?? 0) < end) next += 1;
    const start = starts[next];
    if (next < 0 || start === undefined) break;
    gaps.push(start - end);
    next += 1;
  }
  return gaps;
}

function callLengths(run: ProviderLimitRun): number[] {
  return run.dialTimes.flatMap((d) => (d.endedAtMs === null ? [] : [d.endedAtMs - d.atMs]));
}
