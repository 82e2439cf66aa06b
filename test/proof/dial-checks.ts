import { legalWindowOn } from '../../service/src/calling-window/index.js';
import { localTime } from './local-time.js';
import type { CampaignInput, PersonInput, ProofDial } from './records.js';
import { describeDial, groupBy, key, peopleOfDial, type RunIndex, type Violation } from './run-index.js';

/** The invariants read from the provider's side alone: the fake ElevenLabs' record of every dial. */

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Outcomes after which a campaign never dials the number again (no retry rule can apply). */
const FINAL = new Set(['pledged', 'declined', 'opted_out', 'wrong_number']);
/** Outcomes that put the number on the portal's do-not-call list. */
const OPT_OUT = new Set(['opted_out', 'wrong_number']);
const E164_US = /^\+1[2-9]\d{2}[2-9]\d{6}$/;

/** Inside the campaign's window and the legal hours in every candidate zone of the person at `instantMs`. */
export function allowedAt(instantMs: number, person: PersonInput, campaign: CampaignInput): boolean {
  if (person.zones.length === 0) return false;
  const w = campaign.window;
  return person.zones.every((zone) => {
    const local = localTime(instantMs, zone);
    const legal = legalWindowOn(person.usState, local.isoWeekday);
    return (
      w.days.includes(local.isoWeekday) &&
      !w.blackoutDates.includes(local.date) &&
      local.minute >= w.startMinute &&
      local.minute < w.endMinute &&
      local.minute >= legal.startMinute &&
      local.minute < legal.endMinute
    );
  });
}

/**
 * Every dial inside its contact's window and legal hours in every candidate zone. A dial that reached the provider
 * up to `dialLagMs` after the window closed passes when the window was open within that lag (the engine checked
 * then); nothing excuses a dial before a window opens, since lateness only moves a dial later.
 */
export function dialsInsideWindows(index: RunIndex): { violations: Violation[]; lateWithinLag: number } {
  const violations: Violation[] = [];
  let lateWithinLag = 0;
  const lag = index.inputs.dialLagMs;
  for (const dial of index.records.dials) {
    const campaign = index.campaignOf(dial);
    if (campaign === undefined) continue; // tenant-isolation reports dials of no campaign
    for (const person of peopleOfDial(index, dial)) {
      if (allowedAt(dial.atMs, person, campaign)) continue;
      const samples = [dial.atMs - lag];
      for (let t = dial.atMs - MINUTE; t > dial.atMs - lag; t -= MINUTE) samples.push(t);
      if (lag > 0 && samples.some((t) => allowedAt(t, person, campaign))) {
        lateWithinLag += 1;
        continue;
      }
      const local = person.zones.map((z) => {
        const l = localTime(dial.atMs, z);
        return `${z} day ${l.isoWeekday} ${String(Math.floor(l.minute / 60)).padStart(2, '0')}:${String(l.minute % 60).padStart(2, '0')}`;
      });
      violations.push({
        invariant: 'dial-inside-window',
        detail: `${describeDial(dial)}: contact ${person.contactId} (${person.usState ?? 'no state'}) at ${local.join(', ')}`,
      });
    }
  }
  return { violations, lateWithinLag };
}

/** No dial to a do-not-call, no-consent or invalid number, nor to a number that opted out earlier in the run. */
export function noDialToBlockedNumber(index: RunIndex): Violation[] {
  const violations: Violation[] = [];
  const fail = (dial: ProofDial, why: string) =>
    violations.push({ invariant: 'no-dial-to-blocked-number', detail: `${describeDial(dial)}: ${why}` });
  const optedOutAt = new Map<string, number>();
  for (const dial of index.records.dials) {
    const campaign = index.campaignOf(dial);
    if (campaign && OPT_OUT.has(dial.outcome) && dial.endedAtMs !== null) {
      const k = key(campaign.portalId, dial.toNumber);
      optedOutAt.set(k, Math.min(optedOutAt.get(k) ?? Number.POSITIVE_INFINITY, dial.endedAtMs));
    }
  }
  for (const dial of index.records.dials) {
    if (!E164_US.test(dial.toNumber)) fail(dial, 'not a valid number');
    const campaign = index.campaignOf(dial);
    if (campaign === undefined) continue;
    const holders = index.peopleAt(campaign.portalId, dial.toNumber);
    for (const p of holders) {
      if (p.doNotCall) fail(dial, `contact ${p.contactId} is do-not-call`);
      if (p.noConsent) fail(dial, `contact ${p.contactId} gave no consent`);
      if (p.invalid) fail(dial, `contact ${p.contactId} has no valid number`);
    }
    const optedOut = optedOutAt.get(key(campaign.portalId, dial.toNumber));
    if (optedOut !== undefined && dial.atMs > optedOut) fail(dial, 'the number opted out on an earlier call');
  }
  return violations;
}

/** The most calls in flight at once, and when: [start, end) intervals, an end before a start at equal times. */
export function peakInFlight(dials: readonly ProofDial[]): { max: number; atMs: number } {
  const events: [number, number][] = [];
  for (const d of dials) events.push([d.atMs, 1], [d.endedAtMs ?? Number.POSITIVE_INFINITY, -1]);
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  let peak = { max: 0, atMs: 0 };
  for (const [at, delta] of events) {
    current += delta;
    if (current > peak.max) peak = { max: current, atMs: at };
  }
  return peak;
}

/** In-flight calls never above each campaign's cap, nor above the account cap across campaigns. */
export function inFlightWithinCaps(index: RunIndex): Violation[] {
  const violations: Violation[] = [];
  const byCampaign = groupBy(index.records.dials, (d) => d.campaignName);
  for (const campaign of index.inputs.campaigns) {
    const peak = peakInFlight(byCampaign.get(campaign.name) ?? []);
    if (peak.max > campaign.concurrencyCap)
      violations.push({
        invariant: 'in-flight-within-caps',
        detail: `${campaign.name}: ${peak.max} calls in flight at ${new Date(peak.atMs).toISOString()}, cap ${campaign.concurrencyCap}`,
      });
  }
  const account = peakInFlight(index.records.dials);
  if (account.max > index.inputs.accountCap)
    violations.push({
      invariant: 'in-flight-within-caps',
      detail: `account: ${account.max} calls in flight at ${new Date(account.atMs).toISOString()}, cap ${index.inputs.accountCap}`,
    });
  return violations;
}

const byTime = (a: ProofDial, b: ProofDial) => a.atMs - b.atMs;

/** No person dialled more often by a campaign than its max attempts. */
export function maxAttempts(index: RunIndex): Violation[] {
  const violations: Violation[] = [];
  for (const [k, dials] of groupBy(index.records.dials, (d) => key(d.campaignName ?? '', d.toNumber))) {
    const campaign = dials[0] && index.campaignOf(dials[0]);
    if (campaign && dials.length > campaign.maxAttempts)
      violations.push({
        invariant: 'max-attempts',
        detail: `${k}: ${dials.length} dials, max attempts ${campaign.maxAttempts}`,
      });
  }
  return violations;
}

/**
 * A campaign dials a person again only after a retryable outcome (by the story the provider played), within that
 * outcome's attempt limit and no sooner than its delay after the previous dial (a callback goes by the asked time).
 */
export function retryPolicy(index: RunIndex): Violation[] {
  const violations: Violation[] = [];
  for (const dials of groupBy(index.records.dials, (d) => key(d.campaignName ?? '', d.toNumber)).values()) {
    const campaign = dials[0] && index.campaignOf(dials[0]);
    if (!campaign) continue;
    const sorted = [...dials].sort(byTime);
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1] as ProofDial;
      const next = sorted[i] as ProofDial;
      const rule = campaign.retryPolicy[prev.outcome];
      const fail = (why: string) =>
        violations.push({ invariant: 'retry-policy', detail: `${describeDial(next)}: ${why}` });
      if (FINAL.has(prev.outcome) || rule === undefined) {
        fail(`redialled after ${prev.outcome}, which ${campaign.name} does not retry`);
        continue;
      }
      if (i >= Math.min(rule.maxAttempts, campaign.maxAttempts))
        fail(`attempt ${i + 1} after ${prev.outcome}, whose rule allows ${rule.maxAttempts}`);
      if (prev.outcome !== 'callback_requested' && next.atMs < prev.atMs + rule.delayMinutes * MINUTE)
        fail(
          `${((next.atMs - prev.atMs) / MINUTE).toFixed(1)} min after ${prev.outcome}, delay ${rule.delayMinutes} min`,
        );
    }
  }
  return violations;
}

/**
 * No number dialled more than the cap in any rolling 24 hours, across campaigns of a portal. The engine counts
 * its own dial times, each up to `dialLagMs` before the provider's: dials within 24 h less that lag are certainly
 * within 24 h for the engine too.
 */
export function frequencyCap(index: RunIndex): Violation[] {
  const violations: Violation[] = [];
  const span = DAY - index.inputs.dialLagMs;
  const portalOf = (d: ProofDial) => index.campaignOf(d)?.portalId ?? 'unknown';
  for (const [k, dials] of groupBy(index.records.dials, (d) => key(portalOf(d), d.toNumber))) {
    const sorted = [...dials].sort(byTime);
    for (let i = 0; i < sorted.length; i++) {
      const at = (sorted[i] as ProofDial).atMs;
      const inWindow = sorted.filter((d) => d.atMs > at - span && d.atMs <= at).length;
      if (inWindow > index.inputs.frequencyCapPer24h) {
        violations.push({
          invariant: 'frequency-cap',
          detail: `${k}: ${inWindow} dials in the 24 h up to ${new Date(at).toISOString()}, cap ${index.inputs.frequencyCapPer24h}`,
        });
        break;
      }
    }
  }
  return violations;
}

/** No number with two calls in flight at once (numbers are people: the portals' numbers do not overlap). */
export function noNumberDialledTwiceAtOnce(index: RunIndex): Violation[] {
  const violations: Violation[] = [];
  for (const [number, dials] of groupBy(index.records.dials, (d) => d.toNumber)) {
    const sorted = [...dials].sort(byTime);
    for (let i = 1; i < sorted.length; i++) {
      const before = sorted[i - 1] as ProofDial;
      const after = sorted[i] as ProofDial;
      if ((before.endedAtMs ?? Number.POSITIVE_INFINITY) > after.atMs)
        violations.push({
          invariant: 'no-number-dialled-twice-at-once',
          detail: `${number}: ${before.conversationId} (${before.campaignName}) still in flight when ${after.conversationId} (${after.campaignName}) was placed`,
        });
    }
  }
  return violations;
}
