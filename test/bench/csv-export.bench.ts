import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type RunningService, startService } from '../../service/src/runtime.js';
import { insertCampaign } from '../helpers/campaign-fixtures.js';
import { silentLogger } from '../helpers/database.js';
import { seedEndedAttempts } from '../helpers/results-seed.js';
import { sandboxTestConfig } from '../helpers/sandbox-service.js';
import { signedApi } from '../helpers/signed-api.js';
import type { Benchmark } from './bench-types.js';

const ATTEMPTS = 100_000;
/** Transcript lines stored per call: the export must not read them, so they are made to weigh (~1.5 KB a row). */
const TRANSCRIPT_LINES = 20;
const TARGET_RSS_GROWTH_MB = 50;
/**
 * Flat means memory does not follow the rows: once the stream runs (first 10% of rows), RSS may still move by
 * the GC's young generation and socket buffers, a few MB, but not by anything kept per row (a buffered export of
 * this size would add over 100 MB).
 */
const TARGET_LATE_GROWTH_MB = 10;
const SAMPLE_EVERY_MS = 20;
const MB = 1024 * 1024;

/**
 * Issue 11's promise: the CSV export of a 100,000-attempt campaign streams with flat memory. The attempts are
 * seeded with SQL into one campaign; the export is downloaded through HTTP (signed, as the card would) by a client
 * in the same process that counts and drops the bytes. The process's RSS is sampled throughout; growth is the peak
 * over the RSS after a full GC just before the request. Postgres runs in its own process and is not counted.
 */
export const csvExportBenchmark: Benchmark = {
  name: 'csv-export',
  description: `CSV export of a ${ATTEMPTS.toLocaleString('en-US')}-attempt campaign through HTTP: RSS growth and rows/s`,
  async run(ctx) {
    const db = await ctx.createDatabase();
    let service: RunningService | null = null;
    try {
      service = await startService({
        config: sandboxTestConfig(db),
        logger: silentLogger,
        startDispatcher: false,
      });
      const portalId = service.integrations.sandbox!.demoPortal.portalId;
      const campaignId = await insertCampaign(db.pool, { portalId, status: 'completed' });
      ctx.log(`seeding ${ATTEMPTS.toLocaleString('en-US')} ended attempts`);
      const seeded = performance.now();
      await seedEndedAttempts(db.pool, {
        portalId,
        campaignId,
        count: ATTEMPTS,
        transcriptLines: TRANSCRIPT_LINES,
      });
      await db.pool.query('ANALYZE campaign_contacts; ANALYZE call_attempts');
      ctx.log(`seeded in ${((performance.now() - seeded) / 1000).toFixed(1)} s; exporting`);

      const gc = exposeGc();
      gc();
      gc();
      const baseline = process.memoryUsage();
      let peakRss = baseline.rss;
      let peakHeap = baseline.heapUsed;
      // The peak over the first tenth of the rows: memory that grows with the rows keeps climbing after it.
      let peakRssFirstTenth: number | null = null;
      let rowsSoFar = 0;
      const sample = (rows = rowsSoFar) => {
        rowsSoFar = rows;
        const now = process.memoryUsage();
        peakRss = Math.max(peakRss, now.rss);
        peakHeap = Math.max(peakHeap, now.heapUsed);
        if (rowsSoFar >= ATTEMPTS / 10 && peakRssFirstTenth === null) peakRssFirstTenth = peakRss;
      };
      const sampler = setInterval(() => sample(), SAMPLE_EVERY_MS);

      const started = performance.now();
      const { rows, bytes, status } = await download(
        service,
        portalId,
        `/api/campaigns/${campaignId}/export.csv`,
        sample,
      );
      const seconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      sample(rows);

      const growthMb = (peakRss - baseline.rss) / MB;
      const heapGrowthMb = (peakHeap - baseline.heapUsed) / MB;
      if (status !== 200) throw new Error(`export answered ${status}`);
      if (growthMb >= TARGET_RSS_GROWTH_MB) {
        ctx.log(
          `FAIL: RSS grew ${growthMb.toFixed(1)} MB during the export (target < ${TARGET_RSS_GROWTH_MB} MB)`,
        );
      }
      const round = (n: number) => Math.round(n * 10) / 10;
      const lateGrowthMb = (peakRss - (peakRssFirstTenth ?? peakRss)) / MB;
      const sizeMb = bytes / MB;
      const rss = {
        value: round(baseline.rss / MB),
        unit: 'MB',
        what: 'RSS before the export, after a full GC',
      };
      return {
        figures: [
          { label: 'rows exported', value: rows, unit: '' },
          { label: 'CSV size', value: round(bytes / MB), unit: 'MB' },
          { label: 'export time', value: round(seconds), unit: 's' },
          { label: 'rows per second', value: Math.round(rows / seconds), unit: 'rows/s' },
          { label: 'RSS before the export (after GC)', value: round(baseline.rss / MB), unit: 'MB' },
          { label: 'RSS peak during the export', value: round(peakRss / MB), unit: 'MB' },
          { label: 'RSS growth', value: round(growthMb), unit: 'MB' },
          { label: 'RSS growth after the first 10% of rows', value: round(lateGrowthMb), unit: 'MB' },
          { label: 'JS heap growth (peak)', value: round(heapGrowthMb), unit: 'MB' },
        ],
        headlines: [
          {
            figure: 'csv-export',
            part: 'RSS growth, whole export',
            measured: round(growthMb),
            unit: 'MB',
            baseline: { ...rss, source: 'same run' },
            comparison: `peak ${round(peakRss / MB)} MB for a ${round(sizeMb)} MB CSV (${round(growthMb / sizeMb)} MB per MB sent)`,
            goal: `flat: < ${TARGET_RSS_GROWTH_MB} MB`,
            pass: growthMb < TARGET_RSS_GROWTH_MB,
          },
          {
            figure: 'csv-export',
            part: 'RSS growth over the last 90% of rows',
            measured: round(lateGrowthMb),
            unit: 'MB',
            baseline: { ...rss, source: 'same run' },
            comparison: `JS heap growth ${round(heapGrowthMb)} MB; ${Math.round(rows / seconds)} rows/s`,
            goal: `flat: < ${TARGET_LATE_GROWTH_MB} MB`,
            pass: lateGrowthMb < TARGET_LATE_GROWTH_MB,
          },
        ],
        targets: [
          {
            label: 'attempts missing from the export',
            measured: ATTEMPTS - rows,
            limit: 0,
            unit: '',
            relation: '<=',
            pass: rows === ATTEMPTS,
          },
        ],
        notes: [
          `Seeded with SQL: one campaign, ${ATTEMPTS.toLocaleString('en-US')} ended attempts with summaries, pledges`,
          `and ${TRANSCRIPT_LINES}-line transcripts in outcome_detail (which the export must not read).`,
          `Service and client share this process, so the growth counts both; RSS sampled every ${SAMPLE_EVERY_MS} ms`,
          'and at every chunk the client receives. Postgres is a separate process and is not counted.',
        ],
      };
    } finally {
      await service?.stop();
      await db.drop();
    }
  },
};

/** Downloads a signed GET, counting bytes and CSV rows (CRLF ends a row; cells only hold bare LFs), keeping none. */
async function download(
  service: RunningService,
  portalId: number,
  path: string,
  onChunk: (rowsSoFar: number) => void,
): Promise<{ status: number; bytes: number; rows: number }> {
  const call = signedApi(service, portalId).sign('GET', path);
  const response = await fetch(call.url, { headers: call.headers });
  if (!response.body) return { status: response.status, bytes: 0, rows: 0 };
  let bytes = 0;
  let lines = 0;
  let previous = 0;
  for await (const chunk of response.body) {
    bytes += chunk.length;
    for (const byte of chunk) {
      if (byte === 0x0a && previous === 0x0d) lines += 1;
      previous = byte;
    }
    onChunk(Math.max(0, lines - 1));
  }
  // The first line is the header.
  return { status: response.status, bytes, rows: Math.max(0, lines - 1) };
}

/** A full GC before the baseline, so garbage left by the seeding does not hide or inflate the export's growth. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  return typeof gc === 'function' ? () => gc() : () => {};
}
