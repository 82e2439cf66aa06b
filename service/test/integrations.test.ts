import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../test/helpers/database.js';
import { loadConfig } from '../src/config/config.js';
import { createIntegrations, type Integrations } from '../src/integrations.js';

let db: TestDatabase;
let integrations: Integrations;

beforeAll(async () => {
  db = await createTestDatabase();
  integrations = await createIntegrations({
    config: loadConfig({ ELEVENLABS_WEBHOOK_SECRET: 'whsec-test', HUBSPOT_CLIENT_SECRET: 'hs-secret-test' }),
    pool: db.pool,
    logger: silentLogger,
  });
});
afterAll(async () => {
  await integrations.stop();
  await db.drop();
});

describe('sandbox mode', () => {
  it('installs the demo portal as a tenant row', async () => {
    const portalId = integrations.sandbox?.demoPortal.portalId;
    const { rows } = await db.pool.query('SELECT auth_kind FROM portals WHERE portal_id = $1', [portalId]);
    expect(rows).toEqual([{ auth_kind: 'sandbox' }]);
  });

  it('signs with the configured secrets so tests can sign their own requests', () => {
    expect(integrations.elevenLabsWebhookSecret).toBe('whsec-test');
    expect(integrations.hubspotClientSecret).toBe('hs-secret-test');
  });

  it('points the production ElevenLabs client at the fake: a dial is placed and recorded', async () => {
    const sandbox = integrations.sandbox!;
    const numbers = await integrations.elevenlabs.listPhoneNumbers();
    expect(numbers.map((n) => n.phoneNumberId)).toContain(sandbox.demoPortal.phoneNumberId);
    const result = await integrations.elevenlabs.placeOutboundCall({
      agentId: sandbox.demoPortal.agentId,
      phoneNumberId: sandbox.demoPortal.phoneNumberId,
      provider: 'twilio',
      toNumber: '+12125550123',
      dynamicVariables: { first_name: 'Ada' },
      userId: 'attempt-1',
    });
    expect(result.kind).toBe('placed');
    expect(sandbox.elevenlabs.record.dials.map((d) => d.userId)).toContain('attempt-1');
  });

  it('points the production HubSpot client at the fake: the demo list pages through', async () => {
    const sandbox = integrations.sandbox!;
    const client = integrations.hubspot.forPortal(sandbox.demoPortal.portalId);
    const list = sandbox.demoPortal.lists.find((l) => l.size === 250)!;
    const ids: string[] = [];
    let after: string | undefined;
    do {
      const page = await client.getListMembershipsPage(list.listId, after, 100);
      ids.push(...page.recordIds);
      after = page.after ?? undefined;
    } while (after !== undefined);
    expect(new Set(ids).size).toBe(250);
    const { contacts } = await client.batchReadContacts(ids.slice(0, 100), [
      'firstname',
      'phone',
      'hs_timezone',
    ]);
    expect(contacts).toHaveLength(100);
  });
});
