import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { type StandaloneFakes, startStandaloneFakes } from '../../src/sandbox/standalone-fakes.js';

/**
 * The fault switches of fakes served by another process (SANDBOX_FAKES_URL), thrown over HTTP from any process
 * on the machine: through the fakes' own /__sandbox pages, as a fault test or a checker does mid-run.
 */

let dir: string;
let fakes: StandaloneFakes;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fault-switches-'));
  fakes = await startStandaloneFakes({ SANDBOX_FAKES_PORT: '0', DATA_DIR: dir }, createLogger('silent'));
});
afterAll(async () => {
  await fakes?.stop();
  await rm(dir, { recursive: true, force: true });
});

const call = async (method: string, route: string, body?: unknown) => {
  const res = await fetch(`${fakes.url}${route}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('fault switches on shared fakes', () => {
  it('set, read back and reset both fakes through SANDBOX_FAKES_URL', async () => {
    const el = await call('POST', '/__sandbox/elevenlabs/faults', {
      rateLimitDial: { fraction: 1 },
      delayWebhook: { next: 2 },
      webhookDelayMs: 20_000,
    });
    expect(el.status).toBe(200);
    expect(el.body).toMatchObject({ rateLimitDial: { fraction: 1, next: 0 }, webhookDelayMs: 20_000 });
    const hs = await call('POST', '/__sandbox/hubspot/faults', { serverErrorAfterWrite: { fraction: 0.5 } });
    expect(hs.body).toMatchObject({ serverErrorAfterWrite: { fraction: 0.5, next: 0 } });
    expect(fakes.fakes.local?.elevenlabs.record.faultLog).toEqual([]);

    expect((await call('GET', '/__sandbox/elevenlabs/faults')).body).toMatchObject({
      delayWebhook: { next: 2 },
    });
    expect((await call('DELETE', '/__sandbox/elevenlabs/faults')).body).toMatchObject({
      rateLimitDial: { fraction: 0, next: 0 },
    });
    expect((await call('DELETE', '/__sandbox/hubspot/faults')).body).toMatchObject({
      serverErrorAfterWrite: { fraction: 0, next: 0 },
    });
    expect((await call('GET', '/__sandbox/hubspot/fault-log')).body).toMatchObject({ total: 0 });
    expect((await call('GET', '/__sandbox/elevenlabs/fault-log')).body).toMatchObject({ total: 0 });
  });

  it('refuses a setting that does not parse, naming it', async () => {
    const bad = await call('POST', '/__sandbox/elevenlabs/faults', { retryAfterSeconds: -1 });
    expect(bad.status).toBe(400);
    expect(String(bad.body.error)).toContain('retryAfterSeconds');
  });
});
