import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { signElevenLabsPayload } from '../../service/src/elevenlabs/webhook-signature.js';
import { sendOrder, transcriptionBody } from './webhooks-payloads.js';

/** What one load run sends, and how. Plain data: it crosses to the sender thread by postMessage. */
export interface LoadSpec {
  readonly url: string;
  readonly secret: string;
  /** Makes the run's conversation ids its own (no accidental duplicates across runs). */
  readonly prefix: string;
  /** Distinct webhooks; replays come on top. */
  readonly count: number;
  readonly replayFraction: number;
  readonly mode:
    | { readonly kind: 'closed'; readonly concurrency: number }
    | { readonly kind: 'open'; readonly perSecond: number };
}

export interface LoadReport {
  readonly sent: number;
  readonly distinct: number;
  readonly replays: number;
  /** 200 responses. */
  readonly acknowledged: number;
  /** 200 responses that said `duplicate: true`. */
  readonly duplicates: number;
  /** Anything else: non-200 statuses and transport errors (the first few are kept in `failures`). */
  readonly failed: number;
  readonly failures: readonly string[];
  /** First send to last response. */
  readonly elapsedMs: number;
  /** First send to last send: the rate the sender actually kept. */
  readonly sendingMs: number;
  /** Per request. Closed loop: from the send; open loop: from the time the send was due (see runOpenLoop). */
  readonly latencyMs: readonly number[];
  /** Per request, beside latencyMs: when it was sent (open loop: due), ms from the run's first send. */
  readonly sentAtMs: readonly number[];
  /** Open loop only: how late each send left against its schedule, i.e. the sender's own lag. */
  readonly sendLagMs: readonly number[];
  /** Event-loop utilisation of the thread that sent, over the run (near 1 = the sender itself is a bottleneck). */
  readonly senderElu: number;
}

interface Prepared {
  readonly body: Buffer;
  readonly signature: string;
}

/** Bodies signed now (the route refuses signatures older than 30 minutes); untimed, before the run starts. */
function prepare(spec: LoadSpec): { order: number[]; requests: Prepared[] } {
  const order = sendOrder(spec.count, spec.replayFraction);
  const nowSecs = Math.floor(Date.now() / 1000);
  const requests = Array.from({ length: spec.count }, (_, i) => {
    const body = Buffer.from(transcriptionBody(spec.prefix, i, nowSecs));
    // A replay resends the same bytes with the same header, as a redelivery would.
    return { body, signature: signElevenLabsPayload(body, spec.secret, nowSecs) };
  });
  return { order, requests };
}

type Outcome = { ok: true; duplicate: boolean } | { ok: false; reason: string };

function post(agent: http.Agent, url: URL, req: Prepared): Promise<Outcome> {
  return new Promise((resolve) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': req.body.length,
          'elevenlabs-signature': req.signature,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200)
            resolve({ ok: false, reason: `HTTP ${res.statusCode}: ${text.slice(0, 200)}` });
          else resolve({ ok: true, duplicate: text.includes('"duplicate":true') });
        });
        res.on('error', (e) => resolve({ ok: false, reason: e.message }));
      },
    );
    request.on('error', (e) => resolve({ ok: false, reason: e.message }));
    request.end(req.body);
  });
}

class Tally {
  acknowledged = 0;
  duplicates = 0;
  failed = 0;
  readonly failures: string[] = [];
  readonly latencyMs: number[] = [];
  readonly sentAtMs: number[] = [];
  readonly sendLagMs: number[] = [];
  firstSend = Number.NaN;
  lastSend = Number.NaN;

  sending(): void {
    const now = performance.now();
    if (Number.isNaN(this.firstSend)) this.firstSend = now;
    this.lastSend = now;
  }

  /** `sentAt`: performance.now() of the send (open loop: its due time). */
  record(outcome: Outcome, latency: number, sentAt: number): void {
    this.latencyMs.push(latency);
    this.sentAtMs.push(sentAt - this.firstSend);
    if (outcome.ok) {
      this.acknowledged += 1;
      if (outcome.duplicate) this.duplicates += 1;
    } else {
      this.failed += 1;
      if (this.failures.length < 5) this.failures.push(outcome.reason);
    }
  }
}

/** Closed loop: `concurrency` clients, each sending its next webhook as soon as the last one was answered. */
async function runClosedLoop(
  agent: http.Agent,
  url: URL,
  order: readonly number[],
  requests: readonly Prepared[],
  concurrency: number,
  tally: Tally,
): Promise<void> {
  let next = 0;
  const client = async () => {
    while (next < order.length) {
      const req = requests[order[next++] ?? 0];
      if (!req) continue;
      tally.sending();
      const started = performance.now();
      const outcome = await post(agent, url, req);
      tally.record(outcome, performance.now() - started, started);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
}

/**
 * Open loop: send i is due at start + i / rate, whatever happened to the earlier ones, and its latency is counted
 * from when it was due. A slow answer therefore cannot hold back the sends behind it and hide their wait
 * (coordinated omission); a late sender shows in sendLagMs.
 */
async function runOpenLoop(
  agent: http.Agent,
  url: URL,
  order: readonly number[],
  requests: readonly Prepared[],
  perSecond: number,
  tally: Tally,
): Promise<void> {
  const interval = 1000 / perSecond;
  const start = performance.now() + 20;
  const pending: Promise<void>[] = [];
  let i = 0;
  await new Promise<void>((finished) => {
    const tick = () => {
      const now = performance.now();
      while (i < order.length && start + i * interval <= now) {
        const due = start + i * interval;
        const req = requests[order[i] ?? 0];
        i += 1;
        if (!req) continue;
        tally.sending();
        tally.sendLagMs.push(performance.now() - due);
        pending.push(
          post(agent, url, req).then((outcome) => tally.record(outcome, performance.now() - due, due)),
        );
      }
      if (i < order.length) setTimeout(tick, Math.max(0, start + i * interval - performance.now()));
      else finished();
    };
    tick();
  });
  await Promise.all(pending);
}

/** Prepares the run's requests (untimed), then sends them over keep-alive connections on loopback. */
export async function runLoad(spec: LoadSpec): Promise<LoadReport> {
  const { order, requests } = prepare(spec);
  const url = new URL('/webhooks/elevenlabs', spec.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  const tally = new Tally();
  const elu = performance.eventLoopUtilization();
  const started = performance.now();
  try {
    if (spec.mode.kind === 'closed') {
      await runClosedLoop(agent, url, order, requests, spec.mode.concurrency, tally);
    } else {
      await runOpenLoop(agent, url, order, requests, spec.mode.perSecond, tally);
    }
  } finally {
    agent.destroy();
  }
  return {
    sent: order.length,
    distinct: spec.count,
    replays: order.length - spec.count,
    acknowledged: tally.acknowledged,
    duplicates: tally.duplicates,
    failed: tally.failed,
    failures: tally.failures,
    elapsedMs: performance.now() - started,
    sendingMs: tally.lastSend - tally.firstSend,
    latencyMs: tally.latencyMs,
    sentAtMs: tally.sentAtMs,
    sendLagMs: tally.sendLagMs,
    senderElu: performance.eventLoopUtilization(elu).utilization,
  };
}
