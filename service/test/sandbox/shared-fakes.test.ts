import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../../test/helpers/database.js';
import { loadConfig } from '../../src/config/config.js';
import { createIntegrations, type Integrations } from '../../src/integrations.js';
import { connectToFakes } from '../../src/sandbox/index.js';
import { type StandaloneFakes, startStandaloneFakes } from '../../src/sandbox/standalone-fakes.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

/**
 * Several service processes share one set of fakes (SANDBOX_FAKES_URL): a process that did not start them learns
 * their secrets, time scale and demo portal from `/__sandbox/fakes`, dials the very same fake, and a web process
 * points the fakes' webhooks at itself. The multi-process run is test/e2e/scale-out.test.ts.
 */

let dir: string;
let db: TestDatabase;
let standalone: StandaloneFakes;
let remote: Integrations;
let receiver: WebhookReceiver;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'shared-fakes-'));
  db = await createTestDatabase();
  standalone = await startStandaloneFakes(
    {
      SANDBOX_FAKES_PORT: '0',
      DATA_DIR: dir,
      SANDBOX_TIME_SCALE: '0.001',
      ELEVENLABS_WEBHOOK_SECRET: 'whsec-x',
    },
    silentLogger,
  );
  remote = await createIntegrations({
    config: loadConfig({
      SANDBOX_FAKES_URL: standalone.url,
      DATA_DIR: path.join(dir, 'other'),
      DATABASE_URL: db.url,
    }),
    pool: db.pool,
    logger: silentLogger,
  });
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await remote?.stop();
  await standalone?.stop();
  await receiver?.close();
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('shared sandbox fakes', () => {
  it("take another process's fakes as they are: secrets, time scale, token key, demo portal", () => {
    const { info } = standalone.fakes;
    expect(remote.sandbox).toBeNull();
    expect(remote.sandboxFakes?.info).toEqual(info);
    expect(info.timeScale).toBe(0.001);
    expect(remote.elevenLabsWebhookSecret).toBe('whsec-x');
    expect(remote.hubspotClientSecret).toBe(info.secrets.hubspotClientSecret);
    expect(remote.install?.authorizeUrl).toBe(`${info.hubspotUrl}/oauth/authorize`);
  });

  it('dial the same fake ElevenLabs, whose record is readable over HTTP with each call ending', async () => {
    const { demoPortal } = standalone.fakes.info;
    await remote.sandboxFakes?.setServiceUrl(receiver.url.replace(/\/webhooks\/elevenlabs$/, ''));
    const result = await remote.elevenlabs.placeOutboundCall({
      agentId: demoPortal.agentId,
      phoneNumberId: demoPortal.phoneNumberId,
      provider: 'twilio',
      toNumber: '+12125550188',
      dynamicVariables: {},
      userId: 'attempt-shared-1',
    });
    expect(result.kind).toBe('placed');
    // The call plays out (time scale 0.001) and its webhook goes where the "web process" pointed the fakes.
    await receiver.waitFor(1);
    const page = (await (await fetch(`${standalone.url}/__sandbox/elevenlabs/dials`)).json()) as {
      items: { userId: string; atMs: number; endedAtMs: number | null }[];
    };
    expect(page.items).toEqual([expect.objectContaining({ userId: 'attempt-shared-1' })]);
    expect(page.items[0]?.endedAtMs).toBeGreaterThanOrEqual(page.items[0]?.atMs ?? Number.NaN);
  });

  it("read and write the same fake HubSpot: the demo portal's lists page through", async () => {
    const { demoPortal } = standalone.fakes.info;
    const list = demoPortal.lists.find((l) => l.size === 20);
    const page = await remote.hubspot
      .forPortal(demoPortal.portalId)
      .getListMembershipsPage(list?.listId ?? '', undefined, 100);
    expect(page.recordIds).toHaveLength(20);
    const { rows } = await db.pool.query('SELECT auth_kind FROM portals WHERE portal_id = $1', [
      demoPortal.portalId,
    ]);
    expect(rows).toEqual([{ auth_kind: 'sandbox' }]);
  });

  it('refuse a service URL that is not http(s), naming the field', async () => {
    const res = await fetch(`${standalone.url}/__sandbox/fakes/service-url`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'ftp://x' }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: 'url' });
  });

  it('fail start-up with one line naming SANDBOX_FAKES_URL when nothing serves fakes there', async () => {
    await expect(connectToFakes('http://127.0.0.1:9', silentLogger, 300)).rejects.toThrow(
      /^SANDBOX_FAKES_URL: no sandbox fakes answer at http:\/\/127\.0\.0\.1:9\/__sandbox\/fakes/,
    );
    // A server that answers but serves no fakes there (404) is refused at once, without waiting.
    await expect(connectToFakes(`${standalone.url}/elsewhere`, silentLogger, 60_000)).rejects.toThrow(
      /HTTP 404/,
    );
  });

  it('is a sandbox-only setting', () => {
    expect(() =>
      loadConfig({
        SANDBOX_FAKES_URL: 'http://127.0.0.1:3100',
        ELEVENLABS_API_KEY: 'k',
        ELEVENLABS_WEBHOOK_SECRET: 's',
        HUBSPOT_ACCESS_TOKEN: 't',
        HUBSPOT_PORTAL_ID: '1',
      }),
    ).toThrow(/SANDBOX_FAKES_URL: only in sandbox mode/);
  });
});
