import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TUESDAY_AFTERNOON_NY } from '../../../test/helpers/campaign-fixtures.js';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../../test/helpers/database.js';
import { sandboxTestConfig } from '../../../test/helpers/sandbox-service.js';
import { shiftedClock } from '../../src/core/clock.js';
import { signElevenLabsPayload } from '../../src/elevenlabs/index.js';
import { defineQueue, defineWorker } from '../../src/jobs/queue-definition.js';
import { QUEUES } from '../../src/jobs/queues.js';
import { type RunningService, startService } from '../../src/runtime.js';

/**
 * On SIGTERM the webhook route is the last thing to stop accepting: calls still going on report their outcomes
 * while running jobs drain, and those reports are stored, not refused.
 */

const SECRET = 'whsec_shutdown_test';
const SLOW_QUEUE = defineQueue('test-slow-job', z.object({}), { retryLimit: 0 });
const clock = shiftedClock(TUESDAY_AFTERNOON_NY);
let db: TestDatabase;
let service: RunningService;
let release: () => void = () => {};
let started: () => void = () => {};
const jobStarted = new Promise<void>((resolve) => {
  started = resolve;
});

beforeAll(async () => {
  db = await createTestDatabase();
  service = await startService({
    config: sandboxTestConfig(db, { ELEVENLABS_WEBHOOK_SECRET: SECRET, SHUTDOWN_TIMEOUT_SECONDS: '20' }),
    logger: silentLogger,
    clock,
    startDispatcher: false,
    queues: [...QUEUES, SLOW_QUEUE],
    workers: [
      defineWorker({
        queue: SLOW_QUEUE,
        options: { pollingIntervalSeconds: 0.5 },
        handle: () =>
          new Promise<void>((resolve) => {
            release = resolve;
            started();
          }),
      }),
    ],
  });
});
afterAll(async () => {
  release();
  await service.stop();
  await db.drop();
});

function webhook(conversationId: string): Promise<Response> {
  const t = Math.floor(clock.now() / 1000);
  const body = JSON.stringify({
    type: 'post_call_transcription',
    event_timestamp: t,
    data: { conversation_id: conversationId, agent_id: 'agent_x', status: 'done' },
  });
  return fetch(`${service.url}/webhooks/elevenlabs`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'ElevenLabs-Signature': signElevenLabsPayload(body, SECRET, t),
    },
    body,
  });
}

describe('shutting down', () => {
  it('keeps storing webhooks while running jobs drain, and stops accepting only after them', async () => {
    await service.boss.send(SLOW_QUEUE.name, {});
    await jobStarted;

    const stopping = service.stop();
    // Draining has begun: the process says it is no longer ready for work...
    await expect.poll(async () => (await fetch(`${service.url}/readyz`)).status).toBe(503);
    // ...but an outcome arriving now is stored and acknowledged.
    const during = await webhook('conv_during_drain');
    expect(during.status).toBe(200);
    const stored = await db.pool.query(
      `SELECT 1 FROM webhook_events WHERE conversation_id = 'conv_during_drain'`,
    );
    expect(stored.rowCount).toBe(1);

    release();
    await stopping;
    await expect(webhook('conv_after_stop')).rejects.toThrow();
  });
});
