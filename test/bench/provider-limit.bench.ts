import { runAtProviderLimit } from '../helpers/provider-limit-run.js';
import type { Benchmark } from './bench-types.js';

const CONTACTS = 1_000;
const LIMIT = 20;
const TARGET_IN_BAND = 0.9;

/**
 * Keeping the provider's lines busy: 1,000 donors who answer and decline, 20 lines (account cap = the fake's
 * limit), calls 33x faster. While contacts are due, the calls in flight should sit at 19-20 nearly all the time.
 */
export const providerLimitBenchmark: Benchmark = {
  name: 'provider-limit',
  description: `${CONTACTS} contacts against a ${LIMIT}-line provider: calls in flight while contacts are due`,
  async run(ctx) {
    const db = await ctx.createDatabase();
    try {
      const run = await runAtProviderLimit(db, { contacts: CONTACTS, limit: LIMIT, timeScale: 0.03 });
      const samples = run.steadySamples;
      const inBand = samples.filter((n) => n >= LIMIT - 1 && n <= LIMIT).length / Math.max(1, samples.length);
      const mean = samples.reduce((s, n) => s + n, 0) / Math.max(1, samples.length);
      return {
        figures: [
          { label: 'samples while due (every 25 ms)', value: samples.length, unit: '' },
          { label: 'calls in flight, mean', value: Math.round(mean * 100) / 100, unit: `of ${LIMIT}` },
          {
            label: `share of samples at ${LIMIT - 1}-${LIMIT}`,
            value: Math.round(inBand * 1000) / 10,
            unit: '%',
          },
          { label: 'most in flight at once', value: run.maxConcurrent, unit: '' },
          { label: 'dials refused with 429', value: run.rejectedAtCapacity, unit: '' },
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
          {
            label: 'over the limit or refused (most in flight above it, 429s)',
            measured: Math.max(0, run.maxConcurrent - LIMIT) + run.rejectedAtCapacity,
            limit: 0,
            unit: '',
            relation: '<=',
            pass: run.maxConcurrent <= LIMIT && run.rejectedAtCapacity === 0,
          },
        ],
        notes: [
          'The sandbox service with an outcome shim (no webhook processing), dispatch every 500 ms and at once when',
          'a call ends; the share depends on how busy the machine is: compare it with the other figures of the run.',
        ],
      };
    } finally {
      await db.drop();
    }
  },
};
