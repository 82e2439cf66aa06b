import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { STRESS } from '../helpers/stress.js';
import { peakInFlight } from './dial-checks.js';
import { runFullLoop } from './full-loop.js';
import { checkInvariants, describeReport } from './invariants.js';
import { localTime } from './local-time.js';
import { CLOCK_START, FIRST_DST_CHANGE, loopPlan } from './loop-plan.js';

/**
 * Proof under stress: the whole product through its public surface (OAuth installs, the signed /api, workflow
 * enrolments) on an accelerated simulated day, one web and two worker processes on one database, then every
 * invariant checked on what the fake ElevenLabs and the fake HubSpot recorded. Quick in `npm test`, hundreds of
 * contacts under `npm run test:stress`.
 */

const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts');

/** Real time a dial may take from the engine's last check to the provider on a loaded machine (GC, CPU). */
const REAL_DIAL_LAG_MS = 2_000;

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe(`the full loop, ${STRESS ? 'full' : 'quick'} form`, () => {
  it(
    'keeps every invariant over a simulated day with three portals, four campaigns and workflow enrolments',
    async () => {
      const plan = loopPlan();
      const result = await runFullLoop({
        databaseUrl: db.url,
        clockStart: CLOCK_START,
        workers: 2,
        realDialLagMs: REAL_DIAL_LAG_MS,
        ...plan,
        log: (line) => console.log(`full loop: ${line}`),
      });
      const { records, inputs } = result;
      const report = checkInvariants(records, inputs);
      const calledPeople = new Map(
        inputs.people.filter((p) => p.phone !== null).map((p) => [`${p.portalId}|${p.phone}`, p]),
      );
      const campaignOf = new Map(inputs.campaigns.map((c) => [c.name, c]));
      const personOf = (d: (typeof records.dials)[number]) =>
        calledPeople.get(`${campaignOf.get(d.campaignName ?? '')?.portalId}|${d.toNumber}`);
      const zones = new Set(records.dials.flatMap((d) => personOf(d)?.zones ?? []));
      const mondayDials = records.dials.filter((d) => {
        const zone = personOf(d)?.zones[0];
        return zone !== undefined && localTime(d.atMs, zone).isoWeekday === 1;
      }).length;
      const perCampaignNumber = new Map<string, number>();
      for (const d of records.dials)
        perCampaignNumber.set(
          `${d.campaignName}|${d.toNumber}`,
          (perCampaignNumber.get(`${d.campaignName}|${d.toNumber}`) ?? 0) + 1,
        );
      const retried = [...perCampaignNumber.values()].filter((n) => n > 1).length;
      const skipped = result.campaigns.reduce(
        (sum, c) => ({
          doNotCall: sum.doNotCall + c.preview.skipped.doNotCall,
          noConsent: sum.noConsent + c.preview.skipped.noConsent,
          invalid: sum.invalid + c.preview.skipped.invalidPhone + c.preview.skipped.noPhone,
        }),
        { doNotCall: 0, noConsent: 0, invalid: 0 },
      );
      const completedTwice =
        records.completions.length - new Set(records.completions.map((c) => c.callbackId)).size;
      const firstDial = Math.min(...records.dials.map((d) => d.atMs));
      const lastEnd = Math.max(...records.dials.map((d) => d.endedAtMs ?? 0));
      console.log(
        `full loop (${STRESS ? 'full' : 'quick'}): setup ${(result.setupMs / 1000).toFixed(1)} s, simulated day ` +
          `${(result.runMs / 1000).toFixed(1)} s real for ${(result.simulatedMs / 3_600_000).toFixed(1)} h simulated ` +
          `(x${result.clock.speed}); ${inputs.people.length} contacts, ${records.dials.length} dials ` +
          `(${retried} people redialled, ${mondayDials} on Monday), ${records.engagements.length} engagements, ` +
          `${records.propertyWrites.length} property writes, ${records.completions.length} completions for ` +
          `${inputs.enrolments.length} enrolments; skipped ${JSON.stringify(skipped)}; zones ${zones.size}; ` +
          `peak in flight ${peakInFlight(records.dials).max}/${inputs.accountCap}; dials after a window closed within ` +
          `the ${REAL_DIAL_LAG_MS} ms real lag: ${report.lateWithinLag}; first dial ${new Date(firstDial).toISOString()}, ` +
          `last call ended ${new Date(lastEnd).toISOString()}\n${describeReport(report)}`,
      );

      if (report.violations.length > 0) {
        // Everything the checker saw, for working out what happened (and for re-running the checker on it).
        await mkdir(ARTIFACTS, { recursive: true });
        const file = path.join(ARTIFACTS, `full-loop-${Date.now()}.json`);
        await writeFile(file, JSON.stringify({ records, inputs, report }, null, 1));
        console.log(`full loop: records and inputs written to ${file}`);
      }
      expect(report.violations, describeReport(report)).toEqual([]);
      // The run really exercised the rules: it cannot pass by doing nothing.
      for (const c of inputs.campaigns)
        expect(records.dials.filter((d) => d.campaignName === c.name).length, c.name).toBeGreaterThan(0);
      expect(Date.parse(CLOCK_START)).toBeLessThan(FIRST_DST_CHANGE);
      expect(firstDial).toBeGreaterThan(FIRST_DST_CHANGE); // launched while every window was shut, dialled later
      expect(mondayDials).toBeGreaterThan(0); // waited over the night (Sunday rules, retries past a window's end)
      expect(retried).toBeGreaterThan(0);
      expect(skipped.doNotCall).toBeGreaterThan(0);
      expect(skipped.noConsent).toBeGreaterThan(0);
      expect(skipped.invalid).toBeGreaterThan(0);
      expect(zones.size).toBeGreaterThanOrEqual(5);
      expect(peakInFlight(records.dials).max).toBeGreaterThan(1);
      expect(new Set(records.engagements.map((e) => e.portalId)).size).toBe(3);
      expect(inputs.enrolments.length).toBeGreaterThan(0);
      expect(completedTwice).toBe(0);
    },
    30 * 60_000,
  );
});
