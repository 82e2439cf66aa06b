import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  insertCampaign,
  insertContacts,
  TUESDAY_AFTERNOON_NY,
} from '../../../test/helpers/campaign-fixtures.js';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../../test/helpers/database.js';
import { ManualClock } from '../../../test/helpers/engine.js';
import { sandboxTestConfig } from '../../../test/helpers/sandbox-service.js';
import { tableCounts } from '../../../test/helpers/signed-api.js';
import { waitUntil } from '../../../test/helpers/wait.js';
import { type RunningService, startService } from '../../src/runtime.js';
import { SECOND_PORTAL_ID } from '../../src/sandbox/index.js';
import { completionsOf, demoContacts, execute, executionBody, send, signV2 } from './helpers.js';

let db: TestDatabase;
let service: RunningService;
let portalId: number;
let campaign: string;
const clock = new ManualClock(TUESDAY_AFTERNOON_NY);
let callbackSeq = 0;
const nextCallbackId = () => `ap-${portalId}-${56_000_000_000 + ++callbackSeq}-1-0`;

beforeAll(async () => {
  db = await createTestDatabase();
  service = await startService({
    config: sandboxTestConfig(db),
    logger: silentLogger,
    clock,
    startDispatcher: false,
  });
  const demo = service.integrations.sandbox!.demoPortal;
  portalId = demo.portalId;
  await db.pool.query(`INSERT INTO portals (portal_id, auth_kind) VALUES ($1, 'sandbox')`, [
    SECOND_PORTAL_ID,
  ]);
  campaign = await insertCampaign(db.pool, {
    portalId,
    agentId: demo.agentId,
    phoneNumberId: demo.phoneNumberId,
    requireConsent: true,
    // 18:00–20:00 local: at 15:00 in New York, an Eastern contact waits until 18:00 today.
    startMinute: 18 * 60,
    endMinute: 20 * 60,
  });
  await db.pool.query(
    `UPDATE campaigns SET variable_properties = '{"first_name": "firstname", "last_gift_amount": "last_gift_amount"}'
      WHERE id = $1`,
    [campaign],
  );
});
afterAll(async () => {
  await service.stop();
  await db.drop();
});

const enrolmentsOf = async (callbackIds: string[]) =>
  (
    await db.pool.query(
      `SELECT callback_id, status, campaign_contact_id, outputs FROM workflow_enrolments
        WHERE callback_id = ANY($1::text[]) ORDER BY id`,
      [callbackIds],
    )
  ).rows;

describe('POST /hubspot/actions/place-call', () => {
  it('answers BLOCK with an expiration at once, and stores one enrolment however often HubSpot delivers it', async () => {
    const [contactId] = demoContacts('callable', 1);
    const callbackId = nextCallbackId();
    const body = executionBody(portalId, callbackId, contactId!, { campaign_id: campaign });
    const answers = await Promise.all([
      execute(service, body),
      execute(service, body),
      execute(service, body),
    ]);
    answers.push(await execute(service, body));
    for (const answer of answers) {
      expect(answer).toEqual({
        status: 200,
        body: { outputFields: { hs_execution_state: 'BLOCK', hs_expiration_duration: 'P7D' } },
      });
    }
    const rows = await enrolmentsOf([callbackId]);
    expect(rows).toHaveLength(1);
    const expires = await db.pool.query(
      'SELECT expires_at - received_at AS wait FROM workflow_enrolments WHERE callback_id = $1',
      [callbackId],
    );
    expect(expires.rows[0].wait).toMatchObject({ days: 7 });
  });

  it('puts a callable contact into the campaign at its next allowed instant, with the workflow’s variables', async () => {
    const [contactId] = demoContacts('callable', 1, 1);
    const [execution] = await service.integrations.sandbox!.hubspot.enrolInWorkflow({
      portalId,
      campaignId: campaign,
      contactIds: [contactId!],
      variables: { appeal: 'winter', first_name: 'Friend' },
    });
    await waitUntil(async () => (await enrolmentsOf([execution!.callbackId]))[0]?.status === 'waiting', {
      timeoutMs: 30_000,
      what: 'the enrolment in its campaign',
    });
    const row = await db.pool.query(
      `SELECT cc.state, cc.next_attempt_at, cc.wait_reason, cc.variables, cc.phone_e164 IS NOT NULL AS has_phone
         FROM workflow_enrolments e JOIN campaign_contacts cc ON cc.id = e.campaign_contact_id
        WHERE e.callback_id = $1`,
      [execution!.callbackId],
    );
    expect(row.rows[0]).toMatchObject({
      state: 'queued',
      next_attempt_at: new Date('2026-12-01T23:00:00Z'), // 18:00 in New York
      wait_reason: 'outside_window',
      has_phone: true,
      variables: { appeal: 'winter', first_name: 'Friend' },
    });
    expect(row.rows[0].variables.last_gift_amount).toMatch(/^\d+/); // the campaign's own, from the contact
  });

  it('completes at once, with the reason and no call, a contact that cannot be called', async () => {
    const contacts = {
      no_phone: demoContacts('no_phone', 1)[0]!,
      do_not_call: demoContacts('do_not_call', 1)[0]!,
      no_consent: demoContacts('no_consent', 1)[0]!,
    };
    const executions = await service.integrations.sandbox!.hubspot.enrolInWorkflow({
      portalId,
      campaignId: campaign,
      contactIds: Object.values(contacts),
    });
    const completions = await completionsOf(
      service,
      executions.map((e) => e.callbackId),
    );
    for (const [reason, contactId] of Object.entries(contacts)) {
      const callbackId = executions.find((e) => e.contactId === contactId)!.callbackId;
      expect(completions.get(callbackId)).toEqual({
        outcome: 'not_called',
        reason,
        hs_execution_state: 'SUCCESS',
      });
    }
    expect(service.integrations.sandbox!.elevenlabs.record.dials).toHaveLength(0);
  });

  it('completes at once as not_called, and marks the action failed, for an unknown, cancelled or another portal’s campaign', async () => {
    const demo = service.integrations.sandbox!.demoPortal;
    const cancelled = await insertCampaign(db.pool, { portalId, status: 'cancelled', agentId: demo.agentId });
    const theirs = await insertCampaign(db.pool, { portalId: SECOND_PORTAL_ID });
    const [contactId] = demoContacts('callable', 1, 2);
    const cases = {
      'not-a-campaign': 'campaign_not_found',
      '6b1f7d1f-2c4f-4a53-8f4e-2d8b6a526f00': 'campaign_not_found',
      [cancelled]: 'campaign_cancelled',
      [theirs]: 'campaign_not_found',
    };
    const ids: Record<string, string> = {};
    for (const campaignId of Object.keys(cases)) {
      const callbackId = nextCallbackId();
      ids[campaignId] = callbackId;
      const answer = await execute(
        service,
        executionBody(portalId, callbackId, contactId!, { campaign_id: campaignId }),
      );
      expect(answer.body.outputFields.hs_execution_state).toBe('BLOCK');
    }
    const completions = await completionsOf(service, Object.values(ids));
    for (const [campaignId, reason] of Object.entries(cases)) {
      expect(completions.get(ids[campaignId]!)).toEqual({
        outcome: 'not_called',
        reason,
        hs_execution_state: 'FAIL_CONTINUE',
      });
    }
    const theirRows = await db.pool.query(
      'SELECT count(*)::int AS n FROM campaign_contacts WHERE campaign_id = $1',
      [theirs],
    );
    expect(theirRows.rows[0].n).toBe(0);
  });

  it('follows the row a contact already has in the campaign, rather than dialling it twice', async () => {
    const [contactId] = demoContacts('callable', 1, 3);
    const [rowId] = await insertContacts(db.pool, portalId, campaign, [
      { contactId: contactId!, phone: '+12125550188', state: 'done' },
    ]);
    await db.pool.query(`UPDATE campaign_contacts SET last_outcome = 'pledged' WHERE id = $1`, [rowId]);
    await db.pool.query(
      `INSERT INTO call_attempts (portal_id, campaign_id, campaign_contact_id, contact_id, phone_e164, phone_number_id,
                                  status, outcome, outcome_detail, ended_at)
       VALUES ($1, $2, $3, $4, '+12125550188', 'phnum', 'ended', 'pledged', $5, now())`,
      [
        portalId,
        campaign,
        rowId,
        contactId,
        { pledgeAmount: 25, pledgeFrequency: 'monthly', summary: 'Said yes.' },
      ],
    );
    const [execution] = await service.integrations.sandbox!.hubspot.enrolInWorkflow({
      portalId,
      campaignId: campaign,
      contactIds: [contactId!],
    });
    const completions = await completionsOf(service, [execution!.callbackId]);
    expect(completions.get(execution!.callbackId)).toEqual({
      outcome: 'pledged',
      pledge_amount: '25',
      pledge_frequency: 'monthly',
      summary: 'Said yes.',
      hs_execution_state: 'SUCCESS',
    });
    const rows = await db.pool.query(
      'SELECT count(*)::int AS n FROM campaign_contacts WHERE campaign_id = $1 AND contact_id = $2',
      [campaign, contactId],
    );
    expect(rows.rows[0].n).toBe(1);
    // HubSpot records the completion before the job marks the enrolment completed (after HubSpot's answer).
    await waitUntil(async () => (await enrolmentsOf([execution!.callbackId]))[0]?.status === 'completed', {
      what: 'the enrolment marked completed',
      timeoutMs: 30_000,
    });
    expect((await enrolmentsOf([execution!.callbackId]))[0]).toMatchObject({
      status: 'completed',
      campaign_contact_id: Number(rowId),
    });
  });

  it('answers 401 to an unsigned, wrongly signed or tampered execution, and stores nothing', async () => {
    const body = executionBody(portalId, nextCallbackId(), demoContacts('callable', 1)[0]!, {
      campaign_id: campaign,
    });
    const good = signV2(service, '/hubspot/actions/place-call', body);
    const before = await tableCounts(service);
    const cases = {
      unsigned: { ...good, headers: { 'content-type': 'application/json' } },
      'wrong secret': signV2(service, '/hubspot/actions/place-call', body, 'not-the-app-secret'),
      'tampered body': { ...good, body: good.body.replace(campaign, '00000000-0000-4000-8000-000000000000') },
    };
    for (const [name, call] of Object.entries(cases)) {
      const answer = await send(call);
      expect({ name, status: answer.status, code: answer.body.error.code }).toEqual({
        name,
        status: 401,
        code: 'unauthorized',
      });
    }
    expect(await tableCounts(service)).toEqual(before);
  });

  it('rejects a malformed execution with a 400 naming the field, and stores nothing', async () => {
    const before = await tableCounts(service);
    const contactId = demoContacts('callable', 1)[0]!;
    const cases: [Record<string, unknown>, string][] = [
      [executionBody(portalId, nextCallbackId(), contactId, {}), 'inputFields.campaign_id'],
      [
        executionBody(portalId, nextCallbackId(), contactId, {
          campaign_id: campaign,
          dynamic_variables: '{nope',
        }),
        'inputFields.dynamic_variables',
      ],
      [{ ...executionBody(portalId, '', contactId, { campaign_id: campaign }) }, 'callbackId'],
      [
        {
          ...executionBody(portalId, nextCallbackId(), contactId, { campaign_id: campaign }),
          object: { objectId: 1, objectType: 'DEAL' },
        },
        'object.objectType',
      ],
      // Found by the fuzz suite (test/fuzz): NULs were stored (text and jsonb refuse them: a 500).
      [
        executionBody(portalId, `${nextCallbackId()}\u0000`, contactId, { campaign_id: campaign }),
        'callbackId',
      ],
      [
        executionBody(portalId, nextCallbackId(), contactId, {
          campaign_id: campaign,
          dynamic_variables: '{"appeal":"x\\u0000"}',
        }),
        'inputFields.dynamic_variables',
      ],
    ];
    for (const [body, field] of cases) {
      const answer = await execute(service, body);
      expect({ status: answer.status, field: answer.body.error.field }).toEqual({ status: 400, field });
    }
    const notJson = await send(signV2(service, '/hubspot/actions/place-call', '{"callbackId":'));
    expect({ status: notJson.status, field: notJson.body.error.field }).toEqual({
      status: 400,
      field: 'body',
    });
    expect(await tableCounts(service)).toEqual(before);
  });

  it('answers at once, not_called, a portal that has not installed the app', async () => {
    const body = executionBody(4242, 'ap-4242-1-1-0', demoContacts('callable', 1)[0]!, {
      campaign_id: campaign,
    });
    const answer = await execute(service, body);
    expect(answer).toEqual({
      status: 200,
      body: {
        outputFields: {
          outcome: 'not_called',
          reason: 'portal_not_connected',
          hs_execution_state: 'FAIL_CONTINUE',
        },
      },
    });
  });
});
