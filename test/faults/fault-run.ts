import type pg from 'pg';
import type { SandboxFakesInfo } from '../../service/src/sandbox/index.js';
import { activateCampaign, insertCampaign, insertContacts, usPhone } from '../helpers/campaign-fixtures.js';
import { readDials, readEngagements } from '../helpers/fakes-record.js';
import { callableDemoContacts } from '../helpers/sandbox-service.js';
import { waitWhileProgressing } from '../helpers/wait.js';
import { type RunRecords, recordViolations } from './record-checks.js';

/** A campaign for a fault run, and the run's end: everything finished, then the records read and checked. */

export async function fakesInfo(fakesUrl: string): Promise<SandboxFakesInfo> {
  return (await (await fetch(`${fakesUrl}/__sandbox/fakes`)).json()) as SandboxFakesInfo;
}

export interface FaultCampaignOptions {
  readonly contacts: number;
  readonly cap: number;
  readonly dialsPerSecond: number;
  /** Every contact's candidate zones. */
  readonly zones: readonly string[];
  readonly usState?: string;
  /** Local minutes [start, end) of the calling window; 08:00-21:00 unless given. */
  readonly window?: { startMinute: number; endMinute: number };
}

export interface FaultCampaign {
  readonly id: string;
  readonly phoneNumberId: string;
  readonly cap: number;
}

const RETRY_NOW = { delayMinutes: 0, maxAttempts: 2 };

/** Inserted paused, its contacts added, then activated (a running dispatcher completes an empty active one). */
export async function seedFaultCampaign(
  pool: pg.Pool,
  info: SandboxFakesInfo,
  options: FaultCampaignOptions,
): Promise<FaultCampaign> {
  const { portalId, agentId, phoneNumberId } = info.demoPortal;
  const id = await insertCampaign(pool, {
    portalId,
    agentId,
    phoneNumberId,
    concurrencyCap: options.cap,
    dialsPerSecond: options.dialsPerSecond,
    maxAttempts: 2,
    retryPolicy: { no_answer: RETRY_NOW, busy: RETRY_NOW, failed: RETRY_NOW },
    requireConsent: true,
    status: 'paused',
    ...(options.window ?? {}),
  });
  const donors = callableDemoContacts(options.contacts).map((contactId, i) => ({
    contactId,
    phone: usPhone(i),
    zones: [...options.zones],
    usState: options.usState ?? null,
  }));
  await insertContacts(pool, portalId, id, donors);
  await activateCampaign(pool, id);
  return { id, phoneNumberId, cap: options.cap };
}

export interface RunEnd {
  readonly records: RunRecords;
  readonly violations: string[];
}

/**
 * Waits for every campaign to complete and every dial to reach HubSpot's timeline (failing only when nothing moves
 * for `stallMs`), then reads the fakes' records and the attempts and checks them.
 */
export async function finishAndCheck(
  pool: pg.Pool,
  fakesUrl: string,
  campaigns: readonly FaultCampaign[],
  accountCap: number,
  describeFailure: () => string,
  stallMs = 150_000,
): Promise<RunEnd> {
  const ids = campaigns.map((c) => c.id);
  const progress = async () =>
    JSON.stringify([
      (
        await pool.query(
          `SELECT status, count(*)::int AS n FROM call_attempts WHERE campaign_id = ANY($1::uuid[]) GROUP BY 1 ORDER BY 1`,
          [ids],
        )
      ).rows,
      (await readDials(fakesUrl)).length,
      (await readEngagements(fakesUrl)).length,
    ]);
  const fail = (error: unknown) => {
    throw new Error(`${(error as Error).message}\n${describeFailure()}`);
  };
  await waitWhileProgressing(
    async () =>
      Number(
        (
          await pool.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM campaigns WHERE id = ANY($1::uuid[]) AND status <> 'completed'`,
            [ids],
          )
        ).rows[0]?.n,
      ) === 0,
    progress,
    { stallMs, what: 'the campaigns to complete' },
  ).catch(fail);
  await waitWhileProgressing(
    async () => {
      const written = new Set((await readEngagements(fakesUrl)).map((e) => e.objectWriteTraceId));
      return (await readDials(fakesUrl)).every((d) => written.has(d.userId));
    },
    progress,
    { stallMs, what: 'every call on the fake HubSpot timeline' },
  ).catch(fail);
  const records = await readRecords(pool, fakesUrl, ids);
  const violations = recordViolations(records, {
    capByNumber: new Map(campaigns.map((c) => [c.phoneNumberId, c.cap])),
    accountCap,
  });
  return { records, violations };
}

export async function readRecords(pool: pg.Pool, fakesUrl: string, campaignIds: readonly string[]) {
  const attempts = (
    await pool.query<{ id: string; status: string }>(
      `SELECT id::text, status FROM call_attempts WHERE campaign_id = ANY($1::uuid[])`,
      [campaignIds],
    )
  ).rows;
  const unfinished = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM campaign_contacts
      WHERE campaign_id = ANY($1::uuid[]) AND state NOT IN ('done', 'skipped')`,
    [campaignIds],
  );
  return {
    dials: await readDials(fakesUrl),
    engagementTraceIds: (await readEngagements(fakesUrl)).map((e) => e.objectWriteTraceId),
    attempts: new Map(attempts.map((a) => [a.id, a.status])),
    unfinishedContacts: Number(unfinished.rows[0]?.n ?? 0),
  };
}
