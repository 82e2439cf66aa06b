import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TUESDAY_AFTERNOON_NY } from '../../../test/helpers/campaign-fixtures.js';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../../test/helpers/database.js';
import { ManualClock } from '../../../test/helpers/engine.js';
import { sandboxTestConfig } from '../../../test/helpers/sandbox-service.js';
import { type RunningService, startService } from '../../src/runtime.js';

let db: TestDatabase;
let service: RunningService;
const login = `Basic ${Buffer.from('ops-admin:correct horse battery').toString('base64')}`;

beforeAll(async () => {
  db = await createTestDatabase();
  service = await startService({
    config: sandboxTestConfig(db, { OPS_USER: 'ops-admin', OPS_PASSWORD: 'correct horse battery' }),
    logger: silentLogger,
    clock: new ManualClock(TUESDAY_AFTERNOON_NY),
    startDispatcher: false,
  });
});
afterAll(async () => {
  await service.stop();
  await db.drop();
});

const put = (body: unknown, authorization?: string) =>
  fetch(`${service.url}/ops/dialling`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(body),
  });

describe('the stop-all-dialling switch in a running service', () => {
  it('is behind the ops login: 401 without it, and who stopped dialling is the ops user', async () => {
    expect((await put({ stopped: true })).status).toBe(401);
    expect((await fetch(`${service.url}/readyz`).then((r) => r.json())) as unknown).toMatchObject({
      dialling: 'running',
    });
    const stopped = await put({ stopped: true, reason: 'carrier incident' }, login);
    expect(stopped.status).toBe(200);
    expect(await stopped.json()).toMatchObject({ stopped: true, changedBy: 'ops:ops-admin' });
    expect((await fetch(`${service.url}/readyz`).then((r) => r.json())) as unknown).toMatchObject({
      dialling: 'stopped',
    });
    expect((await put({ stopped: false }, login)).status).toBe(200);
  });
});
