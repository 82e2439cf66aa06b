import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertCampaign } from '../../../test/helpers/campaign-fixtures.js';
import { queryRows } from '../../src/db/statement.js';
import { CONTACT_PROPERTY } from '../../src/writeback/crm-schema.js';
import * as q from '../../src/writeback/queries.js';
import { contactProperties } from '../../src/writeback/write-contacts.js';
import { PORTAL_ID, seedFinishedAttempts, startWritebackHarness, type WritebackHarness } from './harness.js';

/**
 * An opted-out donor whose do-not-call a fundraiser later cleared (with the opt-out override: the donor consented
 * again) must not have HubSpot's do-not-call flag set again by the next write-back of the contact's properties.
 */

let h: WritebackHarness;
beforeAll(async () => {
  h = await startWritebackHarness();
});
afterAll(async () => {
  await h.stop();
});

const HOUR = 3_600_000;

async function clearDoNotCall(contactId: string, at: Date): Promise<void> {
  await h.db.pool.query(
    `INSERT INTO contact_do_not_call (portal_id, contact_id, do_not_call, properties, changed_by_user_id, changed_at)
     VALUES ($1, $2, false, '{fundraising_do_not_call}', 7001, $3)`,
    [PORTAL_ID, contactId, at],
  );
}

async function propertiesOf(contactId: string): Promise<Record<string, string>> {
  const [facts] = await queryRows(h.db.pool, q.CONTACT_FACTS, [PORTAL_ID, [contactId]]);
  if (!facts) throw new Error(`no facts for contact ${contactId}`);
  return contactProperties(facts);
}

async function endedAt(attemptId: string): Promise<Date> {
  const { rows } = await h.db.pool.query<{ ended_at: Date }>(
    'SELECT ended_at FROM call_attempts WHERE id = $1',
    [attemptId],
  );
  const at = rows[0]?.ended_at;
  if (!at) throw new Error(`attempt ${attemptId} has not ended`);
  return at;
}

describe("the contact's do-not-call property in write-back", () => {
  it('is set for a donor who opted out on a call', async () => {
    await seedFinishedAttempts(h, ['opted_out'], { contactIds: ['30001'], enqueue: false });
    expect((await propertiesOf('30001')).fundraising_do_not_call).toBe('true');
  });

  it('is left alone once a fundraiser cleared the opt-out after the call', async () => {
    const [optOut] = await seedFinishedAttempts(h, ['opted_out'], { contactIds: ['30002'], enqueue: false });
    await clearDoNotCall('30002', new Date((await endedAt(optOut!.attemptId)).getTime() + HOUR));
    const properties = await propertiesOf('30002');
    expect(properties).not.toHaveProperty('fundraising_do_not_call');
    expect(properties[CONTACT_PROPERTY.lastOutcome]).toBe('opted_out');
  });

  it('is set again when the donor opts out on a call after the clear', async () => {
    const [first] = await seedFinishedAttempts(h, ['opted_out'], { contactIds: ['30003'], enqueue: false });
    await clearDoNotCall('30003', new Date((await endedAt(first!.attemptId)).getTime() + HOUR));
    // The later call comes from another campaign (one row per contact and campaign).
    const later = await insertCampaign(h.db.pool, { portalId: PORTAL_ID });
    await seedFinishedAttempts(h, ['opted_out'], {
      contactIds: ['30003'],
      campaignId: later,
      enqueue: false,
      offsetMs: 2 * HOUR,
    });
    expect((await propertiesOf('30003')).fundraising_do_not_call).toBe('true');
  });
});
