import { describe, expect, it } from 'vitest';
import { checkInvariants, type InvariantName } from '../../../test/proof/invariants.js';
import type {
  CampaignInput,
  PersonInput,
  ProofDial,
  RunInputs,
  RunRecords,
} from '../../../test/proof/records.js';

/**
 * The full-loop checker must be able to fail: for each invariant a synthetic record that breaks it is reported
 * under that invariant's name, and a clean record reports nothing.
 */

const MIN = 60_000;
/** Tuesday 2027-03-16 10:00 in New York (EDT), 09:00 in Chicago. */
const T = Date.parse('2027-03-16T14:00:00Z');
const A = 9_000_001;
const B = 9_000_002;

const campaign = (name: string, portalId: number, over: Partial<CampaignInput> = {}): CampaignInput => ({
  name,
  portalId,
  window: { days: [1, 2, 3, 4, 5], startMinute: 9 * 60, endMinute: 17 * 60, blackoutDates: [] },
  concurrencyCap: 2,
  maxAttempts: 2,
  retryPolicy: { no_answer: { delayMinutes: 60, maxAttempts: 2 } },
  ...over,
});

const person = (
  portalId: number,
  contactId: string,
  phone: string,
  over: Partial<PersonInput> = {},
): PersonInput => ({
  portalId,
  contactId,
  phone,
  zones: ['America/New_York'],
  usState: 'NY',
  doNotCall: false,
  noConsent: false,
  invalid: false,
  ...over,
});

const NY = '+12125550101';
const CHI = '+13125550101';

function cleanRun(): { records: RunRecords; inputs: RunInputs } {
  const dials: ProofDial[] = [
    dial('a1', 'A', NY, T, 2, 'no_answer'),
    dial('a2', 'A', NY, T + 90 * MIN, 3, 'pledged'),
    dial('b1', 'B', CHI, T + 60 * MIN, 4, 'declined'),
  ];
  return {
    records: {
      dials,
      engagements: [
        { portalId: A, id: 'e1', contactIds: ['1'], objectWriteTraceId: 'a1' },
        { portalId: A, id: 'e2', contactIds: ['1'], objectWriteTraceId: 'a2' },
        { portalId: B, id: 'e3', contactIds: ['1'], objectWriteTraceId: 'b1' },
      ],
      propertyWrites: [write(A, '1', T), write(A, '1', T + 90 * MIN), write(B, '1', T + 60 * MIN)],
      completions: [{ portalId: B, callbackId: 'cb1', duplicate: false }],
      requests: [
        { portalId: A, method: 'POST', path: '/crm/v3/objects/calls/batch/create', status: 201 },
        { portalId: B, method: 'POST', path: '/crm/v3/objects/calls/batch/create', status: 201 },
      ],
    },
    inputs: {
      campaigns: [
        campaign('A', A),
        campaign('B', B, { concurrencyCap: 1 }),
        campaign('A2', A, {
          maxAttempts: 10,
          retryPolicy: { no_answer: { delayMinutes: 0, maxAttempts: 10 } },
        }),
      ],
      people: [
        person(A, '1', NY),
        person(A, '2', '+12125550102', { doNotCall: true }),
        person(A, '3', '+12125550103', { noConsent: true }),
        person(A, '4', 'call me maybe', { invalid: true }),
        person(A, '5', '+13055550105', { zones: ['America/New_York'], usState: 'FL' }),
        person(A, '6', '+12085550106', { zones: ['America/Boise', 'America/Los_Angeles'], usState: 'ID' }),
        person(B, '1', CHI, { zones: ['America/Chicago'], usState: 'IL' }),
      ],
      enrolments: [{ portalId: B, campaignName: 'B', contactId: '1', callbackId: 'cb1' }],
      accountCap: 2,
      frequencyCapPer24h: 3,
      portals: [A, B],
      dialLagMs: 2 * MIN,
    },
  };
}

function dial(
  userId: string,
  campaignName: string,
  toNumber: string,
  atMs: number,
  minutes: number,
  outcome: string,
): ProofDial {
  return {
    atMs,
    endedAtMs: atMs + minutes * MIN,
    toNumber,
    phoneNumberId: 'phnum_1',
    userId,
    conversationId: `conv_${userId}`,
    outcome,
    campaignName,
  };
}

function write(portalId: number, contactId: string, atMs: number) {
  return {
    portalId,
    contactId,
    properties: { ai_last_call_date: new Date(atMs).toISOString(), ai_last_call_outcome: 'x' },
  };
}

/** The clean run with `change` applied: the invariants reported, by name. */
function reported(change: (run: { records: RunRecords; inputs: RunInputs }) => void): InvariantName[] {
  const run = cleanRun();
  change(run);
  return [...new Set(checkInvariants(run.records, run.inputs).violations.map((v) => v.invariant))];
}

/** Adds a dial with its engagement and property write (a complete, otherwise clean call). */
function addCall(run: { records: RunRecords }, d: ProofDial, portalId: number, contactId: string): void {
  (run.records.dials as ProofDial[]).push(d);
  (run.records.engagements as object[]).push({
    portalId,
    id: `e_${d.userId}`,
    contactIds: [contactId],
    objectWriteTraceId: d.userId,
  });
  (run.records.propertyWrites as object[]).push(write(portalId, contactId, d.atMs));
}

describe('the full-loop invariant checker', () => {
  it('reports nothing for a clean run', () => {
    const { records, inputs } = cleanRun();
    const report = checkInvariants(records, inputs);
    expect(report.violations).toEqual([]);
    expect(Object.values(report.byInvariant).every((n) => n === 0)).toBe(true);
  });

  it('dial-inside-window: after the window beyond the lag, before it opens, past a stricter state, in one zone only', () => {
    const late = (run: { records: RunRecords }) =>
      addCall(run, dial('x', 'A2', NY, T + 7 * 60 * MIN + 10 * MIN, 1, 'declined'), A, '1');
    expect(reported(late)).toContain('dial-inside-window');
    // 30 s after 17:00 is within the 2-minute dial lag: the engine checked while the window was open.
    const justAfter = cleanRun();
    addCall(justAfter, dial('x', 'A2', '+12125550199', T + 7 * 60 * MIN + 30_000, 1, 'declined'), A, '9');
    (justAfter.inputs.people as PersonInput[]).push(person(A, '9', '+12125550199'));
    const report = checkInvariants(justAfter.records, justAfter.inputs);
    expect(report.violations).toEqual([]);
    expect(report.lateWithinLag).toBe(1);
    // One minute before the window opens: lateness never excuses an early dial.
    expect(
      reported((run) => addCall(run, dial('x', 'A2', NY, T - 61 * MIN, 1, 'declined'), A, '1')),
    ).toContain('dial-inside-window');
    // Florida stops at 20:00 whatever the campaign allows.
    const florida = (run: { records: RunRecords; inputs: RunInputs }) => {
      (run.inputs.campaigns as CampaignInput[])[2] = campaign('A2', A, {
        window: { days: [2], startMinute: 540, endMinute: 1260, blackoutDates: [] },
      });
      addCall(
        run,
        dial('x', 'A2', '+13055550105', Date.parse('2027-03-17T00:30:00Z'), 1, 'declined'),
        A,
        '5',
      );
    };
    expect(reported(florida)).toContain('dial-inside-window');
    // 09:30 in Boise is 08:30 in Los Angeles, a candidate zone too: outside a 09:00 window.
    expect(
      reported((run) =>
        addCall(
          run,
          dial('x', 'A2', '+12085550106', Date.parse('2027-03-16T15:30:00Z'), 1, 'declined'),
          A,
          '6',
        ),
      ),
    ).toContain('dial-inside-window');
    // A blackout date.
    const blackout = (run: { records: RunRecords; inputs: RunInputs }) => {
      (run.inputs.campaigns as CampaignInput[])[0] = campaign('A', A, {
        window: { days: [1, 2, 3, 4, 5], startMinute: 540, endMinute: 1020, blackoutDates: ['2027-03-16'] },
      });
    };
    expect(reported(blackout)).toContain('dial-inside-window');
  });

  it('no-dial-to-blocked-number: do-not-call, no consent, invalid, opted out earlier', () => {
    expect(
      reported((run) => addCall(run, dial('x', 'A2', '+12125550102', T, 1, 'declined'), A, '2')),
    ).toContain('no-dial-to-blocked-number');
    expect(
      reported((run) => addCall(run, dial('x', 'A2', '+12125550103', T, 1, 'declined'), A, '3')),
    ).toContain('no-dial-to-blocked-number');
    expect(
      reported((run) => addCall(run, dial('x', 'A2', 'call me maybe', T, 1, 'declined'), A, '4')),
    ).toContain('no-dial-to-blocked-number');
    const afterOptOut = (run: { records: RunRecords }) => {
      (run.records.dials as ProofDial[])[0] = dial('a1', 'A', NY, T, 2, 'opted_out');
      addCall(run, dial('x', 'A2', NY, T + 5 * 60 * MIN, 1, 'declined'), A, '1');
    };
    expect(reported(afterOptOut)).toContain('no-dial-to-blocked-number');
  });

  it('in-flight-within-caps: a campaign over its cap, the account over its cap', () => {
    const overCampaign = (run: { records: RunRecords; inputs: RunInputs }) => {
      (run.inputs.people as PersonInput[]).push(
        person(A, '7', '+12125550107'),
        person(A, '8', '+12125550108'),
      );
      addCall(run, dial('x', 'A', '+12125550107', T + 91 * MIN, 5, 'declined'), A, '7');
      addCall(run, dial('y', 'A', '+12125550108', T + 92 * MIN, 5, 'declined'), A, '8');
    };
    expect(reported(overCampaign)).toContain('in-flight-within-caps');
    const overAccount = (run: { records: RunRecords; inputs: RunInputs }) => {
      (run.inputs.people as PersonInput[]).push(person(A, '7', '+12125550107'));
      addCall(run, dial('x', 'A2', '+12125550107', T + 60 * MIN, 5, 'declined'), A, '7');
      (run.records.dials as ProofDial[])[0] = dial('a1', 'A', NY, T + 59 * MIN, 3, 'no_answer');
    };
    expect(reported(overAccount)).toContain('in-flight-within-caps');
  });

  it('max-attempts and retry-policy: a third dial, a redial after a pledge, a retry before its delay', () => {
    const third = (run: { records: RunRecords }) => {
      (run.records.dials as ProofDial[])[1] = dial('a2', 'A', NY, T + 90 * MIN, 3, 'no_answer');
      addCall(run, dial('x', 'A', NY, T + 180 * MIN, 1, 'declined'), A, '1');
    };
    expect(reported(third)).toEqual(expect.arrayContaining(['max-attempts', 'retry-policy']));
    expect(
      reported((run) => addCall(run, dial('x', 'A2', NY, T + 200 * MIN, 1, 'declined'), A, '1')),
    ).not.toContain('retry-policy');
    const afterPledge = (run: { records: RunRecords; inputs: RunInputs }) => {
      (run.inputs.campaigns as CampaignInput[])[0] = campaign('A', A, { maxAttempts: 3 });
      addCall(run, dial('x', 'A', NY, T + 180 * MIN, 1, 'declined'), A, '1');
    };
    expect(reported(afterPledge)).toEqual(['retry-policy']);
    const tooSoon = (run: { records: RunRecords }) => {
      (run.records.dials as ProofDial[])[1] = dial('a2', 'A', NY, T + 10 * MIN, 3, 'pledged');
      (run.records.propertyWrites as object[])[1] = write(A, '1', T + 10 * MIN);
    };
    expect(reported(tooSoon)).toEqual(['retry-policy']);
  });

  it('frequency-cap: a fourth dial to one number within 24 hours across campaigns', () => {
    const fourth = (run: { records: RunRecords }) => {
      addCall(run, dial('x', 'A2', NY, T + 150 * MIN, 1, 'no_answer'), A, '1');
      addCall(run, dial('y', 'A2', NY, T + 160 * MIN, 1, 'no_answer'), A, '1');
    };
    expect(reported(fourth)).toEqual(['frequency-cap']);
  });

  it('no-number-dialled-twice-at-once: two campaigns on one person at the same time', () => {
    expect(reported((run) => addCall(run, dial('x', 'A2', NY, T + MIN, 1, 'declined'), A, '1'))).toContain(
      'no-number-dialled-twice-at-once',
    );
  });

  it('finished-call-written-once: a call with no engagement, two engagements, a write twice, a latest call unwritten', () => {
    expect(reported((run) => (run.records.engagements as object[]).splice(2, 1))).toContain(
      'finished-call-written-once',
    );
    expect(
      reported((run) =>
        (run.records.engagements as object[]).push({
          portalId: B,
          id: 'e4',
          contactIds: ['1'],
          objectWriteTraceId: 'b1',
        }),
      ),
    ).toContain('finished-call-written-once');
    expect(
      reported((run) => (run.records.propertyWrites as object[]).push(write(B, '1', T + 60 * MIN))),
    ).toEqual(['finished-call-written-once']);
    expect(reported((run) => (run.records.propertyWrites as object[]).splice(1, 1))).toEqual([
      'finished-call-written-once',
    ]);
    // The earlier call superseded by a later one in the same write-back run is covered: not a violation.
    expect(reported((run) => (run.records.propertyWrites as object[]).splice(0, 1))).toEqual([]);
  });

  it('enrolment-completed-once: a callback never completed, one completed twice, one never enrolled', () => {
    expect(reported((run) => (run.records.completions as object[]).splice(0, 1))).toEqual([
      'enrolment-completed-once',
    ]);
    expect(
      reported((run) =>
        (run.records.completions as object[]).push({ portalId: B, callbackId: 'cb1', duplicate: true }),
      ),
    ).toEqual(['enrolment-completed-once']);
    expect(
      reported((run) =>
        (run.records.completions as object[]).push({ portalId: B, callbackId: 'cb9', duplicate: false }),
      ),
    ).toEqual(['enrolment-completed-once']);
  });

  it("tenant-isolation: portal A's call logged in portal B, a write on a contact B never called, a stranger portal", () => {
    const wrongPortal = (run: { records: RunRecords }) => {
      (run.records.engagements as object[])[1] = {
        portalId: B,
        id: 'e2',
        contactIds: ['1'],
        objectWriteTraceId: 'a2',
      };
    };
    expect(reported(wrongPortal)).toContain('tenant-isolation');
    expect(
      reported((run) =>
        (run.records.propertyWrites as object[]).push({
          portalId: B,
          contactId: '5',
          properties: { fundraising_do_not_call: 'true' },
        }),
      ),
    ).toEqual(['tenant-isolation']);
    expect(
      reported((run) =>
        (run.records.requests as object[]).push({
          portalId: 9_000_003,
          method: 'GET',
          path: '/crm/v3/objects/contacts/1',
          status: 200,
        }),
      ),
    ).toEqual(['tenant-isolation']);
    expect(
      reported((run) => addCall(run, dial('x', 'A2', CHI, T + 5 * 60 * MIN, 1, 'declined'), A, '1')),
    ).toContain('tenant-isolation');
  });
});
