import { shiftedClock } from '../../service/src/core/clock.js';
import { type RunningService, startService } from '../../service/src/runtime.js';
import {
  activateCampaign,
  insertCampaign,
  insertContacts,
  TUESDAY_AFTERNOON_NY,
  usPhone,
} from '../helpers/campaign-fixtures.js';
import { silentLogger } from '../helpers/database.js';
import { callableDemoContacts, sandboxTestConfig } from '../helpers/sandbox-service.js';
import { waitWhileProgressing } from '../helpers/wait.js';
import type { Benchmark, Figure } from './bench-types.js';
import { benchPostmaster, cpuFigures, describeCpu, withCpuSplit } from './cpu-split.js';

const CONTACTS = 1_000;
const LIMIT = 20;
/** One engagement, one contact property write and one app event per call, each sent on its own. */
const PER_CALL_BASELINE = 3;
const GOAL = 0.05;

/**
 * Issue's figure: every HubSpot request the service makes while a campaign runs (pre-dial do-not-call reads,
 * CRM setup, engagements, contact properties, app events, searches, retries), per finished call. A 1,000-donor
 * campaign on the whole sandbox service (real post-call webhooks, outcome and write-back workers, the fake
 * HubSpot with its 110 per 10 s limit), from activation until every contact is finished and written back.
 */
export const hubspotRequestsBenchmark: Benchmark = {
  name: 'hubspot-requests',
  description: `${CONTACTS}-donor sandbox campaign, cap ${LIMIT}, calls 100x faster: HubSpot requests per finished call`,
  async run(ctx) {
    const db = await ctx.createDatabase();
    let service: RunningService | undefined;
    try {
      service = await startService({
        config: sandboxTestConfig(db),
        logger: silentLogger,
        clock: shiftedClock(TUESDAY_AFTERNOON_NY),
        engineSettings: { accountConcurrencyCap: LIMIT },
        sandboxOptions: { concurrencyLimit: LIMIT },
        sandboxTimeScale: 0.01,
      });
      const sandbox = service.integrations.sandbox!;
      const { portalId, agentId, phoneNumberId } = sandbox.demoPortal;
      const ids = callableDemoContacts(CONTACTS);
      const campaign = await insertCampaign(db.pool, {
        portalId,
        agentId,
        phoneNumberId,
        concurrencyCap: LIMIT,
        dialsPerSecond: 50,
        retryPolicy: {},
        requireConsent: true,
        status: 'paused',
      });
      await insertContacts(
        db.pool,
        portalId,
        campaign,
        ids.map((contactId, i) => ({ contactId, phone: usPhone(i) })),
      );
      const before = sandbox.hubspot.record.requests.length;
      const started = performance.now();
      await activateCampaign(db.pool, campaign);
      service.dispatcher?.nudge();
      ctx.log(`${CONTACTS} donors, cap ${LIMIT}: running to the end and the last write-back`);
      const count = async (sql: string) => Number((await db.pool.query<{ n: number }>(sql)).rows[0]?.n ?? 0);
      const left = () =>
        count(
          `SELECT (SELECT count(*) FROM campaign_contacts WHERE state IN ('queued', 'dialing'))
                + (SELECT count(*) FROM crm_writes WHERE status <> 'done') AS n`,
        );
      const { cpu } = await withCpuSplit(await benchPostmaster(db.pool), () =>
        waitWhileProgressing(
          async () => (await left()) === 0,
          async () => String(await left()),
          { stallMs: 120_000, intervalMs: 500, what: 'every contact finished and written back' },
        ),
      );
      const seconds = (performance.now() - started) / 1000;
      const requests = sandbox.hubspot.record.requests.slice(before);
      const ended = await count(`SELECT count(*)::int AS n FROM call_attempts WHERE status = 'ended'`);
      const byKind = new Map<string, number>();
      for (const r of requests)
        byKind.set(kindOf(r.method, r.path), (byKind.get(kindOf(r.method, r.path)) ?? 0) + 1);
      const kinds = [...byKind].sort((a, b) => b[1] - a[1]);
      const perCall = requests.length / Math.max(1, ended);
      const engagementBatches = byKind.get('POST /crm/v3/objects/calls/batch/create') ?? 0;
      const rate = (n: number) => Math.round((n / Math.max(1, ended)) * 1000) / 1000;
      const figures: Figure[] = [
        { label: 'finished calls (attempts ended)', value: ended, unit: '' },
        { label: 'launch to last write-back', value: Math.round(seconds), unit: 's' },
        { label: 'finished calls per second', value: Math.round((ended / seconds) * 10) / 10, unit: '/s' },
        { label: 'HubSpot requests, all kinds', value: requests.length, unit: '' },
        { label: 'of which answered 429', value: requests.filter((r) => r.status === 429).length, unit: '' },
        {
          // Context, not the figure: the portal's one-time CRM setup (property groups and properties) is counted in
          // the figure, but a longer campaign spreads it thinner.
          label: 'per call without the one-time CRM setup',
          value: rate(requests.filter((r) => !r.path.startsWith('/crm/v3/properties/')).length),
          unit: 'per call',
        },
        {
          label: 'calls per engagement batch (mean)',
          value: Math.round((ended / Math.max(1, engagementBatches)) * 10) / 10,
          unit: 'calls',
        },
        ...kinds.map(([kind, n]) => ({ label: `  ${kind}`, value: n, unit: `(${rate(n)} per call)` })),
        ...cpuFigures('whole run', cpu),
      ];
      return {
        figures,
        headlines: [
          {
            figure: 'hubspot-requests',
            part: '',
            measured: rate(requests.length),
            unit: 'per call',
            baseline: {
              value: PER_CALL_BASELINE,
              unit: 'per call',
              what: 'one engagement, one property write, one event',
              source: 'constant',
            },
            comparison: `1/${Math.round(PER_CALL_BASELINE / Math.max(perCall, 1e-9))} of the baseline`,
            goal: `≤ ${GOAL}`,
            pass: perCall <= GOAL && ended > 0,
            evidence:
              `${ended} calls at ${Math.round((ended / seconds) * 10) / 10}/s; per call: ` +
              kinds
                .slice(0, 5)
                .map(([kind, n]) => `${kind} ${rate(n)}`)
                .join(', ') +
              `; ${describeCpu(cpu)}`,
          },
        ],
        targets: [],
        notes: [
          `${CONTACTS} callable demo donors inserted as a paused campaign (no import: that is its own figure), ` +
            `cap ${LIMIT} (account and the fake's lines), no retries, the service's default dispatch interval and ` +
            'HubSpot limiter (100 per 10 s per portal); counted in the fake HubSpot’s record from activation until ' +
            'no contact is queued or dialling and every write-back row is done. Finished calls: attempts ended.',
          'Per call falls as calls finish faster: write-back waits 10 s to batch up to 100 outcomes, so at N ' +
            'calls/s a batch holds about 10 N calls. Compare with the run’s finished calls per second.',
        ],
      };
    } finally {
      await service?.stop();
      await db.drop();
    }
  },
};

/** A request's kind: method and path with record ids folded, e.g. "GET /crm/v3/objects/calls/:id". */
function kindOf(method: string, path: string): string {
  return `${method} ${path.replace(/\/\d+(?=\/|$)/g, '/:id')}`;
}
