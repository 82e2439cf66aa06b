import { shiftedClock } from '../../service/src/core/clock.js';
import { startService } from '../../service/src/runtime.js';
import {
  activateCampaign,
  insertCampaign,
  insertContacts,
  TUESDAY_AFTERNOON_NY,
  usPhone,
} from './campaign-fixtures.js';
import { silentLogger, type TestDatabase } from './database.js';
import { startOutcomeShim } from './outcome-shim.js';
import { demoListContactIds, sandboxTestConfig } from './sandbox-service.js';

export interface ProviderLimitRun {
  /** Calls in flight at the fake, sampled every 25 ms while contacts were due, from the first time the limit was near. */
  readonly steadySamples: readonly number[];
  /** The most calls the fake ever had in flight at once. */
  readonly maxConcurrent: number;
  /** Dials the fake refused with 429 (over its concurrency limit). */
  readonly rejectedAtCapacity: number;
  /** The number dialled by each dial, in order. */
  readonly dialledNumbers: readonly string[];
  /** When each dial reached the fake and when its call ended there (the fake's clock), in order. */
  readonly dialTimes: readonly { readonly atMs: number; readonly endedAtMs: number | null }[];
}

/**
 * One campaign of `contacts` donors who all answer and decline, dialled against a fake ElevenLabs whose
 * concurrency limit equals the account cap (`limit`): the engine should keep the provider's lines full without
 * ever going over. Outcomes come through a shim, so nothing but dispatch and placement is measured.
 */
export async function runAtProviderLimit(
  db: TestDatabase,
  options: { contacts: number; limit: number; timeScale: number },
): Promise<ProviderLimitRun> {
  const { contacts, limit } = options;
  const service = await startService({
    config: sandboxTestConfig(db),
    logger: silentLogger,
    clock: shiftedClock(TUESDAY_AFTERNOON_NY),
    engineSettings: { accountConcurrencyCap: limit, dispatchIntervalMs: 500 },
    sandboxOptions: { concurrencyLimit: limit },
    sandboxTimeScale: options.timeScale,
  });
  const shim = await startOutcomeShim(service.engine, {
    answeredOutcome: 'declined',
    onOutcome: () => service.dispatcher?.nudge(),
  });
  try {
    const sandbox = service.integrations.sandbox!;
    sandbox.elevenlabs.setWebhookUrl(shim.url);
    const { portalId, agentId, phoneNumberId } = sandbox.demoPortal;
    const ids = await demoListContactIds(service, contacts);
    const campaign = await insertCampaign(db.pool, {
      portalId,
      agentId,
      phoneNumberId,
      concurrencyCap: limit,
      dialsPerSecond: 50,
      retryPolicy: {},
      // Activated once its contacts are in: a running dispatcher completes an active campaign with none.
      status: 'paused',
    });
    const phones = ids.slice(0, contacts).map((_, i) => usPhone(i));
    for (const phone of phones) sandbox.elevenlabs.script(phone, 'declined');
    await insertContacts(
      db.pool,
      portalId,
      campaign,
      ids.slice(0, contacts).map((contactId, i) => ({ contactId, phone: phones[i]! })),
    );
    await activateCampaign(db.pool, campaign);
    const due = async () =>
      Number(
        (
          await db.pool.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM campaign_contacts WHERE campaign_id = $1 AND state = 'queued'`,
            [campaign],
          )
        ).rows[0]?.n,
      );
    const samples: number[] = [];
    service.dispatcher?.nudge();
    while ((await due()) > 0) {
      samples.push(sandbox.elevenlabs.inFlight);
      await new Promise((r) => setTimeout(r, 25));
    }
    // Ramp-up: the first samples are taken before the first calls connect.
    const start = samples.findIndex((n) => n >= limit - 1);
    return {
      steadySamples: start < 0 ? [] : samples.slice(start),
      maxConcurrent: sandbox.elevenlabs.maxConcurrent,
      rejectedAtCapacity: sandbox.elevenlabs.record.rejectedDials.filter((d) => d.status === 429).length,
      dialledNumbers: sandbox.elevenlabs.record.dials.map((d) => d.toNumber),
      dialTimes: sandbox.elevenlabs.record.dials.map((d) => ({ atMs: d.atMs, endedAtMs: d.endedAtMs })),
    };
  } finally {
    await shim.stop();
    await service.stop();
  }
}
