import { type Figure, median, ms, percentile } from './bench-types.js';
import type { WriterCommits } from './webhooks-ingestion.js';
import type { Observed } from './webhooks-observe.js';
import { transcriptionBody } from './webhooks-payloads.js';
import { RAW_SEND_QUEUE, type RawSendReport } from './webhooks-raw-send.js';
import type { LoadReport } from './webhooks-sender.js';
import type { Integrity } from './webhooks-stored.js';

/** How the webhook benchmark loads the server; the notes quote it. */
export interface Shape {
  readonly concurrency: number;
  readonly warmUp: number;
  readonly perRound: number;
  readonly rounds: number;
  readonly openRate: number;
  readonly openSeconds: number;
  readonly replayFraction: number;
}

export interface Round {
  readonly ingest: Observed<LoadReport>;
  readonly ingestCommits: WriterCommits;
  readonly raw: Observed<RawSendReport>;
}

export interface OpenLoop {
  readonly run: Observed<LoadReport>;
  readonly commits: WriterCommits;
}

/**
 * When the slow acknowledgements were sent: how many took over `limitMs`, per second of the run. Spread evenly,
 * the server is slow throughout; bunched, something stalled (a start-up cost, a pause of the machine).
 */
export function slowBySecond(report: LoadReport, limitMs: number): number[] {
  const seconds: number[] = [];
  report.latencyMs.forEach((latency, i) => {
    if (latency <= limitMs) return;
    const second = Math.max(0, Math.floor((report.sentAtMs[i] ?? 0) / 1000));
    while (seconds.length <= second) seconds.push(0);
    seconds[second] = (seconds[second] ?? 0) + 1;
  });
  return seconds;
}

/** Per round: acknowledged webhooks/s, raw jobs/s, and their ratio. */
export function roundRates(rounds: readonly Round[]) {
  const ingest = rounds.map((r) => rate(r.ingest.value.acknowledged, r.ingest.value.elapsedMs));
  const raw = rounds.map((r) => rate(r.raw.value.sent, r.raw.value.elapsedMs));
  const ratios = ingest.map((x, i) => x / (raw[i] ?? Number.NaN));
  return { ingest, raw, ratios, ratio: median(ratios) };
}

export function figures(
  shape: Shape,
  rounds: readonly Round[],
  open: OpenLoop,
  integrity: Integrity,
): Figure[] {
  const sizes = payloadSizes();
  return [
    { label: 'payload size (min)', value: sizes.min, unit: 'bytes' },
    { label: 'payload size (median)', value: sizes.median, unit: 'bytes' },
    { label: 'payload size (max)', value: sizes.max, unit: 'bytes' },
    ...throughputFigures(shape, rounds),
    ...openLoopFigures(open),
    { label: 'stored: webhook_events rows', value: integrity.events, unit: 'rows' },
    {
      label: 'stored: expected (distinct webhooks acknowledged)',
      value: integrity.expectedEvents,
      unit: 'rows',
    },
    { label: 'stored: webhook-process jobs', value: integrity.processJobs, unit: 'jobs' },
    {
      label: 'stored: jobs naming a stored event, each once',
      value: integrity.jobsMatchingAnEvent,
      unit: 'jobs',
    },
    { label: 'stored: raw-send jobs (expected: one per send)', value: integrity.rawJobs, unit: 'jobs' },
    { label: 'replays sent', value: integrity.replaysSent, unit: 'requests' },
    { label: 'replays answered duplicate: true', value: integrity.duplicatesAnswered, unit: 'requests' },
    {
      label: 'failed requests (non-200 or transport error)',
      value: integrity.failedRequests,
      unit: 'requests',
    },
  ];
}

function throughputFigures(shape: Shape, rounds: readonly Round[]): Figure[] {
  const { ingest, raw, ratio } = roundRates(rounds);
  const ingestLatency = rounds.flatMap((r) => r.ingest.value.latencyMs);
  const rawLatency = rounds.flatMap((r) => r.raw.value.latencyMs);
  const commits = rounds.reduce((n, r) => n + r.ingestCommits.commits, 0);
  const events = rounds.reduce((n, r) => n + r.ingestCommits.events, 0);
  const mid = (pick: (r: Round) => number) => median(rounds.map(pick));
  const of = `median of ${shape.rounds}`;
  return [
    {
      label: `ingestion: webhooks/s, ${shape.concurrency} clients (${of})`,
      value: Math.round(median(ingest)),
      unit: 'req/s',
    },
    { label: 'ingestion: slowest round', value: Math.round(Math.min(...ingest)), unit: 'req/s' },
    { label: 'ingestion: acknowledgement p50', value: ms(percentile(ingestLatency, 0.5)), unit: 'ms' },
    { label: 'ingestion: acknowledgement p99', value: ms(percentile(ingestLatency, 0.99)), unit: 'ms' },
    { label: 'ingestion: events per writer commit (mean)', value: ms(events / commits), unit: 'events' },
    {
      label: 'ingestion: writer transaction p50',
      value: ms(
        percentile(
          rounds.flatMap((r) => r.ingestCommits.commitMs),
          0.5,
        ),
      ),
      unit: 'ms',
    },
    ...loadFigures(
      'ingestion',
      {
        serverElu: mid((r) => r.ingest.serverElu),
        processCores: mid((r) => r.ingest.processCores),
        machineCores: mid((r) => r.ingest.machineCores),
        cores: rounds[0]?.ingest.cores ?? 0,
      },
      mid((r) => r.ingest.value.senderElu),
    ),
    {
      label: `raw pg-boss send: jobs/s, ${shape.concurrency} callers (${of})`,
      value: Math.round(median(raw)),
      unit: 'jobs/s',
    },
    { label: 'raw pg-boss send: fastest round', value: Math.round(Math.max(...raw)), unit: 'jobs/s' },
    { label: 'raw pg-boss send: latency p50', value: ms(percentile(rawLatency, 0.5)), unit: 'ms' },
    { label: 'raw pg-boss send: latency p99', value: ms(percentile(rawLatency, 0.99)), unit: 'ms' },
    {
      label: 'raw pg-boss send: machine incl. Postgres, cores busy',
      value: ms(mid((r) => r.raw.machineCores)),
      unit: `of ${rounds[0]?.raw.cores ?? 0}`,
    },
    { label: 'ingestion / raw send (median of per-round ratios)', value: ms(ratio), unit: 'x' },
  ];
}

function openLoopFigures(open: OpenLoop): Figure[] {
  const { run, commits } = open;
  const latency = run.value.latencyMs;
  const lag = run.value.sendLagMs;
  return [
    { label: 'open loop: webhooks sent, replays included', value: run.value.sent, unit: 'requests' },
    { label: 'open loop: replays among them', value: run.value.replays, unit: 'requests' },
    {
      label: 'open loop: rate kept (first to last send)',
      value: Math.round(rate(run.value.sent - 1, run.value.sendingMs)),
      unit: 'req/s',
    },
    { label: 'open loop: acknowledgement p50', value: ms(percentile(latency, 0.5)), unit: 'ms' },
    { label: 'open loop: acknowledgement p95', value: ms(percentile(latency, 0.95)), unit: 'ms' },
    { label: 'open loop: acknowledgement p99', value: ms(percentile(latency, 0.99)), unit: 'ms' },
    { label: 'open loop: acknowledgement max', value: ms(Math.max(...latency)), unit: 'ms' },
    { label: 'open loop: sender lag p99 (send left late)', value: ms(percentile(lag, 0.99)), unit: 'ms' },
    { label: 'open loop: sender lag max', value: ms(Math.max(...lag)), unit: 'ms' },
    { label: 'open loop: server event-loop delay p99', value: ms(run.loopDelayP99Ms), unit: 'ms' },
    {
      label: 'open loop: events per writer commit (mean)',
      value: ms(commits.events / commits.commits),
      unit: 'events',
    },
    { label: 'open loop: writer transaction p99', value: ms(percentile(commits.commitMs, 0.99)), unit: 'ms' },
    ...loadFigures('open loop', run, run.value.senderElu),
  ];
}

function loadFigures(
  phase: string,
  o: Pick<Observed<unknown>, 'serverElu' | 'processCores' | 'machineCores' | 'cores'>,
  senderElu: number,
): Figure[] {
  return [
    { label: `${phase}: server event loop busy`, value: Math.round(o.serverElu * 100), unit: '%' },
    { label: `${phase}: sender thread event loop busy`, value: Math.round(senderElu * 100), unit: '%' },
    { label: `${phase}: this process, cores busy`, value: ms(o.processCores), unit: 'cores' },
    {
      label: `${phase}: machine incl. Postgres, cores busy`,
      value: ms(o.machineCores),
      unit: `of ${o.cores}`,
    },
  ];
}

/** Everything per round and phase, for the JSON file. */
export function details(rounds: readonly Round[], open: OpenLoop): Record<string, unknown> {
  const { ingest, raw, ratios } = roundRates(rounds);
  return {
    rounds: rounds.map((r, i) => ({
      ingestPerSecond: Math.round(ingest[i] ?? 0),
      rawPerSecond: Math.round(raw[i] ?? 0),
      ratio: ms(ratios[i] ?? Number.NaN),
      ingestLatencyMs: latencySummary(r.ingest.value.latencyMs),
      rawLatencyMs: latencySummary(r.raw.value.latencyMs),
      ingestCommits: r.ingestCommits.commits,
      ingestEventsPerCommit: ms(r.ingestCommits.events / r.ingestCommits.commits),
      ingestCommitMs: latencySummary(r.ingestCommits.commitMs),
      ingest: observedSummary(r.ingest),
      raw: observedSummary(r.raw),
      senderElu: ms(r.ingest.value.senderElu),
    })),
    openLoop: {
      latencyMs: latencySummary(open.run.value.latencyMs),
      acksOver50MsBySecond: slowBySecond(open.run.value, 50),
      sendLagMs: latencySummary(open.run.value.sendLagMs),
      commits: open.commits.commits,
      commitMs: latencySummary(open.commits.commitMs),
      observed: observedSummary(open.run),
      senderElu: ms(open.run.value.senderElu),
    },
  };
}

export function notes(shape: Shape, server: Record<string, string>): string[] {
  const s = shape;
  return [
    'Server: the real Express app (createHttpApp) with elevenLabsWebhookRoutes and createEventWriter over a ' +
      'pool of the default size, pg-boss started with the webhook queues and no workers, on 127.0.0.1; request ' +
      'logging at info into a discarding sink (each line is built and redacted, not written).',
    'Payloads: signed post_call_transcription bodies shaped like contracts §9.3 (8-13 transcript turns, ' +
      'analysis, data collection, client data with an attempt id), a distinct conversation id each.',
    'Sender: a worker thread with its own event loop, so its work never delays the server’s and the server ' +
      'figures are the server’s alone; node:http with keep-alive (fetch costs about 0.2 ms more CPU per ' +
      'request, which on a small machine is taken from the server and Postgres).',
    `Throughput: after ${s.warmUp} warm-up webhooks and raw sends, ${s.rounds} rounds, each ${s.perRound} ` +
      `webhooks from ${s.concurrency} closed-loop clients (each sends when its last answer came; no replays), ` +
      `then ${s.perRound} boss.send calls from ${s.concurrency} concurrent callers with the same payloads ` +
      `parsed as job data, on a queue of their own (${RAW_SEND_QUEUE}, the webhook queue's options). ` +
      'Rate = acknowledged / elapsed, first send to last answer.',
    `Open loop: ${s.openRate} sends/s for ${s.openSeconds} s on a fixed schedule regardless of answers ` +
      '(no coordinated omission); latency counted from when each send was due to its full response, so a ' +
      `late sender would count as latency too (see "sender lag"). About ${s.replayFraction * 100}% are exact ` +
      'replays of a webhook sent 20-200 webhooks earlier.',
    'Integrity, counted in the database afterwards: one webhook_events row and one webhook-process job naming ' +
      'it per distinct webhook acknowledged, none for a replay, and every replay answered duplicate: true.',
    `Postgres: ${Object.entries(server)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}.`,
  ];
}

function rate(count: number, elapsedMs: number): number {
  return count / (elapsedMs / 1000);
}

function latencySummary(samples: readonly number[]) {
  return {
    p50: ms(percentile(samples, 0.5)),
    p95: ms(percentile(samples, 0.95)),
    p99: ms(percentile(samples, 0.99)),
    max: ms(samples.length ? Math.max(...samples) : Number.NaN),
  };
}

function observedSummary(o: Observed<unknown>) {
  return {
    wallMs: ms(o.wallMs),
    serverElu: ms(o.serverElu),
    loopDelayP99Ms: ms(o.loopDelayP99Ms),
    loopDelayMaxMs: ms(o.loopDelayMaxMs),
    processCores: ms(o.processCores),
    machineCores: ms(o.machineCores),
  };
}

function payloadSizes() {
  const sizes = Array.from({ length: 1000 }, (_, i) =>
    Buffer.byteLength(transcriptionBody('o', i, 1767000110)),
  );
  return { min: Math.min(...sizes), median: median(sizes), max: Math.max(...sizes) };
}
