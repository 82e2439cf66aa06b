import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { exportLinkKey } from '../../service/src/api/export-link.js';
import { SANDBOX_TOKEN_KEY_FILE } from '../../service/src/hubspot/index.js';
import { previewLinkKey } from '../../service/src/voice-previews/index.js';
import type { PortalObjects } from '../../service/test/api/api-endpoints.js';
import { seedPortalObjects } from '../../service/test/api/api-fixtures.js';
import { type ApiTestService, startApiTestService } from '../../service/test/api/api-service.js';
import { sandboxTestConfig } from '../helpers/sandbox-service.js';
import { tableCounts } from '../helpers/signed-api.js';
import { waitUntil } from '../helpers/wait.js';
import type { FuzzTarget, LeakRules } from './fuzz-harness.js';

/**
 * The service a fuzz file runs against: the /api test service (sandbox, two connected portals, manual clock), each
 * portal seeded with a campaign in each state and ended calls, and what the fuzz checks with: the secrets no
 * answer may show, and the database snapshot bad input must leave unchanged.
 */
export interface FuzzService extends ApiTestService {
  readonly own: PortalObjects;
  readonly other: PortalObjects;
  readonly clientSecret: string;
  readonly webhookSecret: string;
  readonly target: FuzzTarget;
}

export async function startFuzzService(): Promise<FuzzService> {
  const t = await startApiTestService();
  const own = await seedPortalObjects(t, t.portalIdA, 400_000);
  const other = await seedPortalObjects(t, t.portalIdB, 500_000);
  const clientSecret = t.service.integrations.hubspotClientSecret!;
  const webhookSecret = t.service.integrations.elevenLabsWebhookSecret;
  const rules = await leakRules(t, clientSecret, webhookSecret);
  const state = async () => {
    // Jobs a request could queue. The minutely sweeps come and go on their own: their jobs, and pg-boss's own
    // (__pgboss__send-it delivers each cron tick), are not counted.
    const jobs = await t.db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pgboss.job
        WHERE name NOT IN (SELECT name FROM pgboss.schedule) AND name NOT LIKE '\\_\\_pgboss\\_\\_%'`,
    );
    return { counts: await tableCounts(t.service), jobs: jobs.rows[0]?.n };
  };
  // The demo portal's install and setup run in the background at start: begin once they are done.
  let last = '';
  await waitUntil(
    async () => {
      const now = JSON.stringify(await state());
      const same = now === last;
      last = now;
      return same;
    },
    { timeoutMs: 60_000, intervalMs: 1_000, what: 'the database to settle after start-up' },
  );
  const alive = async () => {
    for (const check of ['/healthz', '/readyz']) {
      const answer = await fetch(`${t.service.url}${check}`, { signal: AbortSignal.timeout(30_000) });
      if (answer.status !== 200)
        throw new Error(`${check} answered ${answer.status}: ${await answer.text()}`);
    }
  };
  return { ...t, own, other, clientSecret, webhookSecret, target: { rules, state, alive } };
}

/** Every secret the running service holds or derives, and the tokens and phone numbers it knows. */
async function leakRules(t: ApiTestService, clientSecret: string, webhookSecret: string): Promise<LeakRules> {
  const sandbox = t.service.integrations.sandbox!;
  const keyFile = path.join(sandboxTestConfig(t.db).dataDir, SANDBOX_TOKEN_KEY_FILE);
  const tokenKey = await readFile(keyFile, 'utf8').catch(() => '');
  const derived = [exportLinkKey(clientSecret), previewLinkKey(clientSecret)].flatMap((key) => [
    key.toString('hex'),
    key.toString('base64'),
    key.toString('base64url'),
  ]);
  const phones = await t.db.pool.query<{ phone: string }>(
    `SELECT DISTINCT phone_e164 AS phone FROM campaign_contacts WHERE phone_e164 IS NOT NULL
     UNION SELECT DISTINCT phone_e164 FROM call_attempts WHERE phone_e164 IS NOT NULL`,
  );
  return {
    secrets: [
      clientSecret,
      webhookSecret,
      sandbox.secrets.hubspotClientSecret,
      sandbox.secrets.elevenLabsWebhookSecret,
      sandbox.demoPortal.accessToken,
      sandbox.secondPortal.accessToken,
      t.service.ops.credentials?.password ?? clientSecret,
      ...(tokenKey.trim() === '' ? [] : [tokenKey.trim()]),
      ...derived,
      // An empty or short value would match anything; none of these is.
    ].filter((secret) => secret.length >= 8),
    secretPatterns: [/sandbox-token-\d/, /sandbox-oauth-[0-9a-f]{6}/, /sandbox-key/],
    phones: phones.rows.map((r) => r.phone),
  };
}
