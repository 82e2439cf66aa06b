import { createDemoPortal } from '../../service/src/sandbox/index.js';
import { stressScaled } from '../helpers/stress.js';
import type { FullLoopOptions, LoopCampaignPlan } from './full-loop.js';

/**
 * The simulated day the proof runs: Sunday 14 March 2027, the day US clocks spring forward (02:00 local, 07:00 UTC
 * in New York to 11:00 UTC in Anchorage). The clock is held at 01:30 in New York while portals are installed and
 * campaigns launched, so every window opens after the launch, on the far side of a DST change. Sunday is a hard
 * calling day: Alabama, Louisiana and Mississippi allow no calls at all, Texas none before noon, so some people wait
 * for Monday, and retries that fall after a window closes roll over the night.
 */
export const CLOCK_START = '2027-03-14T06:30:00Z';
/** The first DST change the run crosses (New York, 02:00 EST). */
export const FIRST_DST_CHANGE = Date.parse('2027-03-14T07:00:00Z');

const FIRST_LIST_100K_ID = 1_000_001;
const AREA_CODES = 36;

/** Demo-generator contacts of the 100k list: the first clean one of each area code (all zones), `rounds` times. */
function callableAcrossZones(rounds: number): string[] {
  const portal = createDemoPortal();
  const ids: string[] = [];
  for (let round = 0; round < rounds; round++) {
    for (let area = 0; area < AREA_CODES; area++) {
      for (let index = area + round * AREA_CODES * 4; ; index += AREA_CODES) {
        const id = String(FIRST_LIST_100K_ID + index);
        const p = portal.contact(id)?.properties;
        if (
          /^\+1\d{10}$/.test(p?.phone ?? '') &&
          p?.fundraising_do_not_call === 'false' &&
          p.ai_call_consent === 'true'
        ) {
          ids.push(id);
          break;
        }
      }
    }
  }
  return ids;
}

/** Enrolled though they cannot be called: no consent (index 6), do-not-call (8), no phone (17), invalid (29). */
const BLOCKED_ENROLMENTS = [6, 8, 17, 29].map((i) => String(FIRST_LIST_100K_ID + i));
/** Also on the workflow campaign's own list, and on another campaign's: one person, two campaigns. */
const ALREADY_LISTED = ['20001', '20002'];

/** The campaigns: each portal its own windows, caps and retry rules; quick in `npm test`, full under STRESS. */
export function loopPlan(): Pick<
  FullLoopOptions,
  'campaigns' | 'accountCap' | 'speed' | 'callStretch' | 'frequencyCapPer24h'
> {
  const list = stressScaled('102', '101');
  const x = stressScaled(1, 3);
  // Sunday and Monday. The full form's ~1,050 dials are bound by what two workers place per real second, not by
  // the caps: its clock runs slower (600x) and it calls Sunday to Friday, so a slow machine stretches the run over
  // more simulated days instead of parking contacts until next Sunday. Never Saturday: at the held start it is
  // still Saturday evening in Hawaii, and nothing may be callable before the clock runs.
  const days = stressScaled([7, 1], [7, 1, 2, 3, 4, 5]);
  const campaigns: LoopCampaignPlan[] = [
    {
      key: 'riverside',
      portal: 'demo',
      listId: list,
      window: { days, start: '09:00', end: '17:00' },
      concurrencyCap: 3 * x,
      maxAttempts: 3,
      retryPolicy: {
        no_answer: { delayMinutes: 120, maxAttempts: 3 },
        busy: { delayMinutes: 30, maxAttempts: 3 },
        voicemail: { delayMinutes: 240, maxAttempts: 2 },
        failed: { delayMinutes: 60, maxAttempts: 2 },
        callback_requested: { delayMinutes: 60, maxAttempts: 3 },
      },
      dialsPerSecond: 2,
    },
    {
      key: 'harbor',
      portal: 'installed-1',
      listId: list,
      window: { days, start: '13:00', end: '20:30' },
      concurrencyCap: 2 * x,
      maxAttempts: 2,
      retryPolicy: {
        no_answer: { delayMinutes: 180, maxAttempts: 2 },
        busy: { delayMinutes: 45, maxAttempts: 2 },
      },
      dialsPerSecond: 1,
    },
    {
      key: 'prairie',
      portal: 'installed-2',
      listId: list,
      window: { days, start: '10:00', end: '21:00' },
      concurrencyCap: 4 * x,
      maxAttempts: 3,
      retryPolicy: {
        no_answer: { delayMinutes: 90, maxAttempts: 3 },
        voicemail: { delayMinutes: 60, maxAttempts: 3 },
        busy: { delayMinutes: 20, maxAttempts: 3 },
        callback_requested: { delayMinutes: 30, maxAttempts: 3 },
      },
      dialsPerSecond: 2,
    },
    {
      key: 'prairie-workflow',
      portal: 'installed-2',
      listId: '102',
      window: { days, start: '08:00', end: '21:00' },
      concurrencyCap: 2 * x,
      maxAttempts: 2,
      retryPolicy: {
        no_answer: { delayMinutes: 60, maxAttempts: 2 },
        failed: { delayMinutes: 30, maxAttempts: 2 },
      },
      dialsPerSecond: 1,
      enrol: [...callableAcrossZones(stressScaled(1, 2)), ...BLOCKED_ENROLMENTS, ...ALREADY_LISTED],
    },
  ];
  // The account cap is below the campaigns' caps added up (11, 33), so it binds when they dial together; calls
  // several times their story's length keep lines busy next to the engine's real-time work around each dial.
  return {
    campaigns,
    accountCap: 4 * x,
    speed: stressScaled(2000, 600),
    callStretch: stressScaled(10, 4),
    frequencyCapPer24h: 3,
  };
}
