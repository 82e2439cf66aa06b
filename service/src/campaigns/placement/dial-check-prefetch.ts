import type { ServiceDeps } from '../../core/deps.js';
import { queryRows, type RowOf } from '../../db/statement.js';
import { isDiallingStopped } from '../../safety/index.js';
import { dialCheckFrom, storeDialChecks } from './crm-dial-check.js';
import * as q from './queries.js';

/** HubSpot's batch read limit: the most contacts one pre-dial read covers. */
const BATCH = 100;
/**
 * Read again only when fewer than this many contacts in dialling order have a fresh check before the first one
 * without, so reads land before the dials that need them.
 */
const LOW_WATER = BATCH / 2;
/**
 * How far down each campaign's due list the reads reach: the fresh ones still ahead (fewer than LOW_WATER when a
 * read is due) plus a full batch, so each request reads up to 100 contacts, not only the ~50 a 100-row window
 * would leave (which doubled the pre-dial requests per call).
 */
const WINDOW = LOW_WATER + BATCH;

type CandidateRow = RowOf<typeof q.DIAL_CHECK_CANDIDATES>;

export interface PrefetchResult {
  /** Batch read requests sent to HubSpot. */
  readonly requests: number;
  /** Contacts whose check was stored. */
  readonly stored: number;
}

/**
 * Reads do-not-call and consent for the contacts each active campaign will dial next, up to 100 per HubSpot
 * request, so that a dial relies on a read at most `dialCheckMaxAgeMs` old instead of spending one request of the
 * portal's budget (100 per 10 s) on each dial. A campaign is read again only when its next dials run short of
 * fresh checks.
 * A failed read stores nothing: those dials read the contact themselves (and fail closed).
 */
export async function prefetchDialChecks(deps: ServiceDeps): Promise<PrefetchResult> {
  const maxAge = deps.settings.dialCheckMaxAgeMs;
  if (maxAge <= 0) return { requests: 0, stored: 0 };
  // While all dialling is stopped no dial would use the reads: keep the portals' HubSpot budget.
  if (await isDiallingStopped(deps.pool)) return { requests: 0, stored: 0 };
  const now = deps.clock.now();
  // Checks younger than half the max age count as fresh, so a contact read now is still covered when it is dialled
  // up to half the max age from now; only contacts due within that span are worth reading.
  const rows = await queryRows(deps.pool, q.DIAL_CHECK_CANDIDATES, [
    new Date(now + maxAge / 2),
    new Date(now - maxAge / 2),
    WINDOW,
  ]);
  const byCampaign = new Map<string, CandidateRow[]>();
  for (const row of rows) byCampaign.set(row.campaign_id, [...(byCampaign.get(row.campaign_id) ?? []), row]);
  let requests = 0;
  let stored = 0;
  for (const contacts of byCampaign.values()) {
    // Dials go down the list in this order: what matters is how many fresh checks come before the first stale one.
    const freshAhead = contacts.findIndex((c) => !c.fresh);
    if (freshAhead === -1 || freshAhead >= LOW_WATER) continue;
    const stale = contacts.filter((c) => !c.fresh).slice(0, BATCH);
    const first = stale[0];
    if (!first) continue;
    requests += 1;
    stored += await readAndStore(deps, first, stale, now);
  }
  return { requests, stored };
}

async function readAndStore(
  deps: ServiceDeps,
  campaign: Pick<CandidateRow, 'campaign_id' | 'portal_id' | 'dnc_property' | 'consent_property'>,
  contacts: readonly CandidateRow[],
  sentAt: number,
): Promise<number> {
  const { dnc_property: dncProperty, consent_property: consentProperty } = campaign;
  try {
    const result = await deps.hubspot
      .forPortal(Number(campaign.portal_id))
      .batchReadContacts(
        [...new Set(contacts.map((c) => c.contact_id))],
        [...new Set([dncProperty, consentProperty])],
      );
    const byContact = new Map(result.contacts.map((c) => [c.id, c.properties]));
    // A contact HubSpot did not return gets no stored check: its dial reads it again and sees it gone.
    const found = contacts.flatMap((c) => {
      const properties = byContact.get(c.contact_id);
      return properties
        ? [
            {
              campaignContactId: c.campaign_contact_id,
              check: dialCheckFrom(properties, dncProperty, consentProperty),
            },
          ]
        : [];
    });
    await storeDialChecks(deps.pool, campaign.portal_id, found, sentAt);
    return found.length;
  } catch (error) {
    deps.logger.warn(
      { err: error, campaignId: campaign.campaign_id },
      'pre-dial HubSpot read failed: dials will read contacts themselves',
    );
    return 0;
  }
}

export interface DialCheckPrefetcher {
  /** Runs a prefetch unless one ran less than the interval ago or is running. */
  poke(): void;
  stop(): Promise<void>;
}

/** Runs `prefetchDialChecks` after dispatch ticks, at most once per interval and never two at a time. */
export function startDialCheckPrefetcher(deps: ServiceDeps, intervalMs = 500): DialCheckPrefetcher {
  let running: Promise<unknown> | undefined;
  let lastStart = Number.NEGATIVE_INFINITY;
  let stopped = false;
  return {
    poke() {
      if (stopped || running || deps.settings.dialCheckMaxAgeMs <= 0) return;
      const now = Date.now();
      if (now - lastStart < intervalMs) return;
      lastStart = now;
      running = prefetchDialChecks(deps)
        .catch((err: unknown) => deps.logger.error({ err }, 'pre-dial check prefetch failed'))
        .finally(() => {
          running = undefined;
        });
    },
    async stop() {
      stopped = true;
      await running;
    },
  };
}
