import { describe, expect, it } from 'vitest';
import { legalWindowOn, statesWithStricterHours } from '../../service/src/calling-window/legal-hours.js';
import { createCampaignRequestSchema, DEFAULT_PORTAL_DEFAULTS } from '../src/app/lib/shared.js';
import {
  draftFromDefaults,
  errorFor,
  errorProps,
  fieldPath,
  INITIAL_DRAFT,
  stepErrors,
  stepOfField,
  toCreateRequest,
  unplacedErrors,
  validateDraft,
  zonedStart,
} from '../src/app/pages/wizard/draft.js';
import { legalHoursHint, STRICTER_STATE_HOURS } from '../src/app/pages/wizard/legal-hours-text.js';
import { mappedProperties, renderMessage, variablesIn } from '../src/app/pages/wizard/render-message.js';

const VALID = {
  ...INITIAL_DRAFT,
  name: 'Spring appeal',
  listId: '102',
  listName: 'Quick demo',
  agentId: 'agent_1',
  phoneNumberId: 'pn_1',
};

describe('the wizard draft → the create request', () => {
  it('builds a body the shared schema accepts, leaving out what is unset', () => {
    const body = toCreateRequest(VALID, 'key-12345678', true);
    expect(createCampaignRequestSchema.safeParse(body).success).toBe(true);
    expect(body).not.toHaveProperty('firstMessage');
    expect(body).not.toHaveProperty('defaultTimeZone');
    expect(body).not.toHaveProperty('startsAt');
    expect(body).not.toHaveProperty('listName');
  });

  it('sends the first message only when the agent allows overrides, and disabled retries not at all', () => {
    const draft = {
      ...VALID,
      firstMessage: '  Hi {{first_name}}  ',
      retryPolicy: { ...VALID.retryPolicy, busy: { ...VALID.retryPolicy.busy, enabled: false } },
      days: [5, 1, 3],
      blackoutDates: ['2026-12-25', '2026-07-04'],
    };
    expect(toCreateRequest(draft, 'k-12345678', true).firstMessage).toBe('Hi {{first_name}}');
    expect(toCreateRequest(draft, 'k-12345678', false)).not.toHaveProperty('firstMessage');
    const body = toCreateRequest(draft, 'k-12345678', true);
    expect(Object.keys(body.retryPolicy ?? {})).not.toContain('busy');
    expect(body.window).toEqual({
      days: [1, 3, 5],
      start: '10:00',
      end: '19:00',
      blackoutDates: ['2026-07-04', '2026-12-25'],
    });
  });

  it('turns a start date and time into an instant in the default zone (UTC without one)', () => {
    expect(
      toCreateRequest({ ...VALID, startDate: '2026-03-10', startTime: '09:30' }, 'k-12345678', false)
        .startsAt,
    ).toBe('2026-03-10T09:30:00+00:00');
    // Either side of the US change to summer time (8 March 2026).
    expect(zonedStart('2026-03-06', '09:00', 'America/New_York')).toBe('2026-03-06T09:00:00-05:00');
    expect(zonedStart('2026-03-10', '09:00', 'America/New_York')).toBe('2026-03-10T09:00:00-04:00');
    expect(zonedStart('2026-07-01', '18:15', 'Asia/Kolkata')).toBe('2026-07-01T18:15:00+05:30');
  });
});

describe('field errors', () => {
  it("spells zod paths as the service's 400 does, and finds the step that owns each field", () => {
    expect(fieldPath(['window', 'days', 0])).toBe('window.days[0]');
    expect(fieldPath(['retryPolicy', 'no_answer', 'delayMinutes'])).toBe(
      'retryPolicy.no_answer.delayMinutes',
    );
    expect(stepOfField('listId')).toBe(0);
    expect(stepOfField('variableProperties.first_name')).toBe(1);
    expect(stepOfField('window.end')).toBe(2);
    expect(stepOfField('window.days[0]')).toBe(2);
    expect(stepOfField('retryPolicy.busy.maxAttempts')).toBe(3);
    expect(stepOfField('idempotencyKey')).toBe(4);
  });

  it('validates with the shared schema, each error on its field and its step', () => {
    const errors = validateDraft({ ...INITIAL_DRAFT, start: '19:00', end: '09:00', days: [] }, false);
    expect(errors).toMatchObject({
      name: 'expected a name',
      listId: 'expected a HubSpot list id (digits)',
      'window.end': 'must end after it starts',
      'window.days': 'expected at least one calling day',
    });
    expect(Object.keys(stepErrors(errors, 2)).sort()).toEqual(['window.days', 'window.end']);
    expect(validateDraft(VALID, true)).toEqual({});
  });

  it("shows a server message on its input without the field prefix, and a part's error on the whole", () => {
    const server = {
      'window.end': 'window.end: must be at or before 21:00',
      'window.days[1]': 'expected 1 to 7',
    };
    expect(errorFor(server, 'window.end')).toBe('must be at or before 21:00');
    expect(errorFor(server, 'window.days')).toBe('expected 1 to 7');
    expect(errorFor(server, 'window.start')).toBeUndefined();
    expect(errorProps(server, 'window.end')).toEqual({
      error: true,
      validationMessage: 'must be at or before 21:00',
    });
    expect(errorProps(server, 'name')).toEqual({});
  });

  it('lists the errors of a step that no input shows, for its alert', () => {
    expect(unplacedErrors({ dialsPerSecond: 'too fast', maxAttempts: 'x' }, 3)).toEqual([
      ['dialsPerSecond', 'too fast'],
    ]);
    expect(unplacedErrors({ idempotencyKey: 'taken' }, 4)).toEqual([['idempotencyKey', 'taken']]);
  });
});

describe('the rendered first message', () => {
  const mapping = { first_name: 'firstname', last_gift_amount: 'last_gift_amount', unused: 'x' };

  it('replaces each {{variable}} with the mapped property of the contact', () => {
    expect(
      renderMessage('Hi {{first_name}}, thanks for {{ last_gift_amount }}!', mapping, {
        firstname: 'Ada',
        last_gift_amount: '50',
      }),
    ).toBe('Hi Ada, thanks for 50!');
  });

  it('keeps the placeholder where the contact has no value or nothing is mapped', () => {
    expect(renderMessage('Hi {{first_name}} {{nickname}}', mapping, { firstname: null })).toBe(
      'Hi {{first_name}} {{nickname}}',
    );
  });

  it('lists the variables a message uses, and the properties a preview reads', () => {
    expect(variablesIn('{{a}} {{ b }} {{a}} {{not valid}}')).toEqual(['a', 'b']);
    expect(mappedProperties({ a: 'firstname', b: ' firstname ', c: '' })).toEqual(['firstname']);
  });
});

describe('the legal guard explanation', () => {
  const clock = (minute: number) =>
    `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
  const span = (w: { startMinute: number; endMinute: number }) =>
    `${clock(w.startMinute)}–${clock(w.endMinute)}`;

  /** The service's rule for a state, in the words the wizard uses. */
  function describeRule(state: string): string {
    const weekday = legalWindowOn(state, 1);
    const parts = [span(weekday)];
    for (const [day, name] of [
      [6, 'Saturdays'],
      [7, 'Sundays'],
    ] as const) {
      const w = legalWindowOn(state, day);
      if (w.startMinute === weekday.startMinute && w.endMinute === weekday.endMinute) continue;
      if (w.endMinute <= w.startMinute) parts.push(`no calls on ${name}`);
      else if (w.endMinute === weekday.endMinute) parts.push(`${name} from ${clock(w.startMinute)}`);
      else parts.push(`${name} ${span(w)}`);
    }
    return parts.join(', ');
  }

  it("states the service's stricter state hours exactly", () => {
    expect(Object.keys(STRICTER_STATE_HOURS).sort()).toEqual(statesWithStricterHours());
    for (const state of statesWithStricterHours())
      expect(STRICTER_STATE_HOURS[state], state).toBe(describeRule(state));
  });

  it('says when the window reaches outside 08:00–21:00', () => {
    expect(legalHoursHint('09:00', '20:00')).toBeNull();
    expect(legalHoursHint('07:00', '20:00')).toContain('before 08:00');
    expect(legalHoursHint('09:00', '22:00')).toContain('after 21:00');
    expect(legalHoursHint('07:00', '22:00')).toContain('narrowed');
  });
});

describe('the draft a new campaign starts from', () => {
  it("takes the portal's saved window, zone, retry policy and attempts, and leaves out outcomes they do not retry", () => {
    const draft = draftFromDefaults({
      timeZone: 'America/Chicago',
      window: { days: [2, 4], start: '11:00', end: '18:30', blackoutDates: ['2026-12-25'] },
      retryPolicy: { no_answer: { delayMinutes: 120, maxAttempts: 4 } },
      maxAttempts: 4,
      consent: { required: true, property: 'donor_ai_consent' },
      doNotCallProperty: 'donor_do_not_call',
    });
    expect(draft).toMatchObject({
      days: [2, 4],
      start: '11:00',
      end: '18:30',
      blackoutDates: ['2026-12-25'],
      defaultTimeZone: 'America/Chicago',
      maxAttempts: 4,
    });
    expect(draft.retryPolicy.no_answer).toEqual({ enabled: true, delayMinutes: 120, maxAttempts: 4 });
    expect(draft.retryPolicy.busy.enabled).toBe(false);
    expect(draft.name).toBe(INITIAL_DRAFT.name);
  });

  it("sends the portal's consent and do-not-call properties with the campaign, so it checks the donor's own", () => {
    const draft = draftFromDefaults(
      {
        ...DEFAULT_PORTAL_DEFAULTS,
        consent: { required: true, property: 'donor_ai_consent' },
        doNotCallProperty: 'donor_do_not_call',
      },
      VALID,
    );
    const body = toCreateRequest(draft, 'k-12345678', false);
    expect(body.consent).toEqual({ required: true, property: 'donor_ai_consent' });
    expect(body.doNotCallProperty).toBe('donor_do_not_call');
    expect(createCampaignRequestSchema.parse(body).doNotCallProperty).toBe('donor_do_not_call');
  });
});
