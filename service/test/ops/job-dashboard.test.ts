import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../../test/helpers/database.js';
import { sandboxTestConfig } from '../../../test/helpers/sandbox-service.js';
import { loadConfig } from '../../src/config/config.js';
import { QUEUES } from '../../src/jobs/queues.js';
import { dashboardActionHosts } from '../../src/ops/index.js';
import { type RunningService, startService } from '../../src/runtime.js';

const OPS = { user: 'ops-admin', password: 'correct horse battery' };
const PUBLIC_URL = 'https://calls.example.org';
const login = `Basic ${Buffer.from(`${OPS.user}:${OPS.password}`).toString('base64')}`;
/** A product queue nothing works while the test runs: its job is held back an hour (startAfter). */
const QUEUE = 'crm-writeback';

let db: TestDatabase;
let service: RunningService;

beforeAll(async () => {
  db = await createTestDatabase();
  service = await startService({
    config: sandboxTestConfig(db, { OPS_USER: OPS.user, OPS_PASSWORD: OPS.password, PUBLIC_URL }),
    logger: silentLogger,
    startDispatcher: false,
  });
});
afterAll(async () => {
  await service.stop();
  await db.drop();
});

const get = (path: string, authorization?: string) =>
  fetch(`${service.url}${path}`, authorization ? { headers: { authorization } } : {});

let nextPortal = 9_999_001;
/** The options the service sends a portal's write-back with: 'stately', one job per portal and state. */
const portalJob = () => {
  const portalId = nextPortal++;
  return { data: { portalId }, singletonKey: String(portalId) };
};

/** A job of a product queue in state failed (its retries spent, so dead-lettered), held back from workers. */
async function failedJob(): Promise<string> {
  const { data, singletonKey } = portalJob();
  const id = await service.boss.send(QUEUE, data, { singletonKey, retryLimit: 0, startAfter: 3600 });
  if (id === null) throw new Error('pg-boss refused the job');
  await service.boss.fail(QUEUE, id, { message: 'HubSpot answered 403' });
  return id;
}

const stateOf = async (id: string) => (await service.boss.getJobById(QUEUE, id))?.state;

/** The form post the dashboard's queue page sends for a job's action (React Router's single-fetch `.data`). */
const action = (intent: string, jobId: string, origin: string) =>
  fetch(`${service.url}/ops/jobs/queues/${QUEUE}.data`, {
    method: 'POST',
    headers: { authorization: login, origin, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ intent, jobId }).toString(),
  });

describe('the job dashboard at /ops/jobs', () => {
  it('is behind the ops login: pages, data requests and assets answer 401 without it', async () => {
    for (const path of ['/ops/jobs', '/ops/jobs/queues', '/ops/jobs.data', '/ops/jobs/assets/none.js']) {
      for (const authorization of [undefined, `Basic ${Buffer.from('ops-admin:wrong').toString('base64')}`]) {
        const res = await get(path, authorization);
        expect(res.status, path).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="ops"/);
      }
    }
    // The wrong tries above count against this address: a success clears them for the next tests.
    expect((await get('/ops/jobs', login)).status).toBe(200);
  });

  it("renders with the login: HTML whose assets live under /ops/jobs, listing every one of the product's queues", async () => {
    const res = await get('/ops/jobs/queues', login);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('/ops/jobs/assets/');
    for (const queue of QUEUES) expect(html, queue.name).toContain(`>${queue.name}<`);
    const asset = /\/ops\/jobs\/assets\/[\w.-]+\.js/.exec(html)?.[0] ?? '';
    const script = await get(asset, login);
    expect(script.status, asset).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
  });

  it('refuses an action posted from a foreign origin, and takes it from PUBLIC_URL or the service itself', async () => {
    const id = await failedJob();
    const foreign = await action('retry', id, 'https://evil.example');
    expect(foreign.status).toBe(400);
    expect(await stateOf(id)).toBe('failed');

    // The request reached us as 127.0.0.1:<port> while the page is at PUBLIC_URL: a TLS proxy in front does that.
    const viaPublicUrl = await action('retry', id, PUBLIC_URL);
    expect(viaPublicUrl.status).toBe(200);
    expect(await viaPublicUrl.text()).toContain('Job queued for retry');
    expect(await stateOf(id)).toBe('retry');

    const other = await failedJob();
    expect((await action('retry', other, service.url)).status).toBe(200);
    expect(await stateOf(other)).toBe('retry');
  });

  it("shows a job's page and cancels a waiting job (the dashboard's own pg-boss is ours: same schema)", async () => {
    // The dashboard bundles its own pg-boss and refuses a database of another schema version (timgit/pg-boss#884):
    // ours is pinned to the version it bundles, and this test fails the day the two drift apart.
    const { data, singletonKey } = portalJob();
    const id = await service.boss.send(QUEUE, data, { singletonKey, startAfter: 3600 });
    if (id === null) throw new Error('pg-boss refused the job');
    const page = await get(`/ops/jobs/queues/${QUEUE}/jobs/${id}`, login);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(id);
    const cancel = await action('cancel', id, service.url);
    expect(cancel.status).toBe(200);
    expect(await stateOf(id)).toBe('cancelled');
  });
});

describe('the dead letters at /ops/dead-letters', () => {
  const redrive = (queue: string, origin: string | null, authorization: string | null = login) =>
    fetch(`${service.url}/ops/dead-letters/${queue}/redrive`, {
      method: 'POST',
      headers: {
        accept: 'application/json',
        ...(authorization ? { authorization } : {}),
        ...(origin ? { origin } : {}),
      },
    });
  const waiting = async () => {
    const res = await fetch(`${service.url}/ops/dead-letters`, {
      headers: { authorization: login, accept: 'application/json' },
    });
    const body = (await res.json()) as {
      deadLetters: { deadLetter: string; source: string; waiting: number }[];
    };
    return body.deadLetters.find((d) => d.deadLetter === `${QUEUE}-dead`)?.waiting;
  };

  it("counts each queue's dead letters and moves them back on a redrive from the service itself", async () => {
    const before = (await waiting()) ?? 0; // earlier tests of this file dead-lettered some too
    await failedJob();
    await failedJob();
    expect(await waiting()).toBe(before + 2);
    expect((await redrive(`${QUEUE}-dead`, null, null)).status).toBe(401);
    const foreign = await redrive(`${QUEUE}-dead`, 'https://evil.example');
    expect(foreign.status).toBe(403);
    expect((await redrive(`${QUEUE}-dead`, null)).status).toBe(403);
    expect(await waiting()).toBe(before + 2);
    const moved = await redrive(`${QUEUE}-dead`, PUBLIC_URL);
    expect(moved.status).toBe(200);
    expect(await moved.json()).toEqual({ queue: `${QUEUE}-dead`, moved: before + 2 });
    expect(await waiting()).toBe(0);
  });

  it('answers 404 for a queue that is not a dead-letter queue', async () => {
    expect((await redrive(QUEUE, service.url)).status).toBe(404);
  });
});

describe('where the job dashboard is not', () => {
  it('outside sandbox mode without OPS_USER/OPS_PASSWORD: /ops/jobs answers 404, with or without a login', async () => {
    const other = await createTestDatabase();
    const web = await startService({
      config: loadConfig({
        DATABASE_URL: other.url,
        PORT: '0',
        SANDBOX: 'false',
        SERVICE_ROLE: 'web',
        ELEVENLABS_API_KEY: 'sk_live_example',
        ELEVENLABS_WEBHOOK_SECRET: 'whsec_example',
        HUBSPOT_ACCESS_TOKEN: 'pat-na1-example',
        HUBSPOT_PORTAL_ID: '123',
      }),
      logger: silentLogger,
    });
    try {
      expect(web.ops.credentials).toBeNull();
      for (const path of ['/ops/jobs', '/ops/jobs/queues', '/ops/jobs.data']) {
        expect((await fetch(`${web.url}${path}`)).status, path).toBe(404);
        expect((await fetch(`${web.url}${path}`, { headers: { authorization: login } })).status).toBe(404);
      }
    } finally {
      await web.stop();
      await other.drop();
    }
  });

  it('takes actions from PUBLIC_URL and the addresses the service listens on, by host (never a wildcard)', () => {
    expect(dashboardActionHosts('https://calls.example.org', 3000, '127.0.0.1')).toEqual([
      'calls.example.org',
      'localhost:3000',
      '127.0.0.1:3000',
    ]);
    expect(dashboardActionHosts('http://ops.example.org:8080/base', 41234, '::1')).toEqual([
      'ops.example.org:8080',
      'localhost:41234',
      '127.0.0.1:41234',
      '[::1]:41234',
    ]);
    expect(dashboardActionHosts(undefined, 3000, '0.0.0.0')).toEqual(['localhost:3000', '127.0.0.1:3000']);
  });
});
