import {
  type CreateCampaignRequest,
  createCampaignRequestSchema,
  DEFAULT_PORTAL_DEFAULTS,
  DEFAULT_RETRY_POLICY,
  DEFAULT_VARIABLE_PROPERTIES,
  type PortalDefaults,
  RETRYABLE_OUTCOMES,
  type RetryableOutcome,
} from '../../lib/shared.js';

/**
 * The wizard's form state, shaped for the inputs (strings and numbers as typed), and the pure functions around it:
 * the create request it becomes, the steps that own each field, and the field errors of a step, from the shared
 * create schema itself (so the wizard cannot accept what the API would refuse, or the reverse).
 */

export const STEPS = ['Audience', 'Message', 'When', 'Retries and caps', 'Review'] as const;
export type StepIndex = 0 | 1 | 2 | 3 | 4;
export const REVIEW_STEP: StepIndex = 4;

export interface RetryDraft {
  readonly enabled: boolean;
  readonly delayMinutes: number;
  readonly maxAttempts: number;
}

export interface WizardDraft {
  readonly name: string;
  readonly listId: string;
  /** Shown on the review step; not sent. */
  readonly listName: string;
  readonly agentId: string;
  readonly phoneNumberId: string;
  /** Empty: the agent's own first message. Only sent when the agent allows overrides. */
  readonly firstMessage: string;
  /** Agent dynamic variable → HubSpot contact property. */
  readonly variableProperties: Readonly<Record<string, string>>;
  /** ISO weekdays, 1 = Monday. */
  readonly days: readonly number[];
  /** HH:MM. */
  readonly start: string;
  readonly end: string;
  /** YYYY-MM-DD. */
  readonly blackoutDates: readonly string[];
  /** Empty: contacts whose zone is unknown are skipped. */
  readonly defaultTimeZone: string;
  /** YYYY-MM-DD, empty: calls start as soon as the campaign is launched. */
  readonly startDate: string;
  /** HH:MM on startDate, in the default time zone (UTC without one). */
  readonly startTime: string;
  readonly retryPolicy: Readonly<Record<RetryableOutcome, RetryDraft>>;
  readonly maxAttempts: number;
  readonly concurrencyCap: number;
  readonly dailyCap: number;
  /**
   * Which contact properties hold the donor's consent to AI calls and the do-not-call flag: the portal's saved
   * defaults (settings page). Not edited in the wizard; sent with the campaign, which checks them at import and
   * before every dial.
   */
  readonly consent: { readonly required: boolean; readonly property: string };
  readonly doNotCallProperty: string;
}

export const INITIAL_DRAFT: WizardDraft = {
  name: '',
  listId: '',
  listName: '',
  agentId: '',
  phoneNumberId: '',
  firstMessage: '',
  variableProperties: DEFAULT_VARIABLE_PROPERTIES,
  days: [1, 2, 3, 4, 5],
  start: '10:00',
  end: '19:00',
  blackoutDates: [],
  defaultTimeZone: '',
  startDate: '',
  startTime: '09:00',
  retryPolicy: Object.fromEntries(
    RETRYABLE_OUTCOMES.map((o) => [o, { enabled: true, ...DEFAULT_RETRY_POLICY[o] }]),
  ) as Record<RetryableOutcome, RetryDraft>,
  maxAttempts: 3,
  concurrencyCap: 5,
  dailyCap: 500,
  consent: { ...DEFAULT_PORTAL_DEFAULTS.consent },
  doNotCallProperty: DEFAULT_PORTAL_DEFAULTS.doNotCallProperty,
};

/**
 * The draft a new campaign starts from once the portal's saved defaults (settings page) are known: their window,
 * default time zone, retry policy, attempts, and the consent and do-not-call properties over the built-in starting
 * values. An outcome the defaults leave out is not retried.
 */
export function draftFromDefaults(defaults: PortalDefaults, base: WizardDraft = INITIAL_DRAFT): WizardDraft {
  return {
    ...base,
    days: [...defaults.window.days],
    start: defaults.window.start,
    end: defaults.window.end,
    blackoutDates: [...defaults.window.blackoutDates],
    defaultTimeZone: defaults.timeZone ?? '',
    retryPolicy: Object.fromEntries(
      RETRYABLE_OUTCOMES.map((o) => {
        const rule = defaults.retryPolicy[o];
        return [o, rule ? { enabled: true, ...rule } : { ...base.retryPolicy[o], enabled: false }];
      }),
    ) as Record<RetryableOutcome, RetryDraft>,
    maxAttempts: defaults.maxAttempts,
    consent: { ...defaults.consent },
    doNotCallProperty: defaults.doNotCallProperty,
  };
}

/** The POST /api/campaigns body. `allowsOverride`: whether the chosen agent lets a campaign set its first message. */
export function toCreateRequest(
  draft: WizardDraft,
  idempotencyKey: string,
  allowsOverride: boolean,
): CreateCampaignRequest {
  const firstMessage = draft.firstMessage.trim();
  const retryPolicy = Object.fromEntries(
    RETRYABLE_OUTCOMES.filter((o) => draft.retryPolicy[o].enabled).map((o) => [
      o,
      { delayMinutes: draft.retryPolicy[o].delayMinutes, maxAttempts: draft.retryPolicy[o].maxAttempts },
    ]),
  );
  return {
    name: draft.name,
    listId: draft.listId,
    agentId: draft.agentId,
    phoneNumberId: draft.phoneNumberId,
    window: {
      days: [...draft.days].sort((a, b) => a - b),
      start: draft.start,
      end: draft.end,
      blackoutDates: [...draft.blackoutDates].sort(),
    },
    ...(draft.defaultTimeZone === '' ? {} : { defaultTimeZone: draft.defaultTimeZone }),
    ...(draft.startDate === ''
      ? {}
      : { startsAt: zonedStart(draft.startDate, draft.startTime, draft.defaultTimeZone) }),
    retryPolicy,
    maxAttempts: draft.maxAttempts,
    concurrencyCap: draft.concurrencyCap,
    dailyCap: draft.dailyCap,
    variableProperties: { ...draft.variableProperties },
    consent: { ...draft.consent },
    doNotCallProperty: draft.doNotCallProperty,
    ...(allowsOverride && firstMessage !== '' ? { firstMessage } : {}),
    idempotencyKey,
  };
}

/** Field path (the API's spelling: `window.end`, `window.days[0]`) → message. */
export type FieldErrors = Readonly<Record<string, string>>;

/** The API's spelling of a zod issue path, as the service's 400 `field` names it. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

/** Which step owns each top-level field; anything else (the idempotency key, the body) belongs to the review. */
const FIELD_STEP: Readonly<Record<string, StepIndex>> = {
  name: 0,
  listId: 0,
  agentId: 0,
  phoneNumberId: 0,
  firstMessage: 1,
  variableProperties: 1,
  window: 2,
  defaultTimeZone: 2,
  startsAt: 2,
  retryPolicy: 3,
  maxAttempts: 3,
  concurrencyCap: 3,
  dailyCap: 3,
  dialsPerSecond: 3,
  consent: 0,
  doNotCallProperty: 0,
};

/** The fields each step shows an input for; a step's other errors (e.g. from the server) go in an alert. */
export const STEP_FIELDS: Readonly<Record<StepIndex, readonly string[]>> = {
  0: ['name', 'listId', 'agentId', 'phoneNumberId'],
  1: ['firstMessage', 'variableProperties'],
  2: ['window.days', 'window.start', 'window.end', 'window.blackoutDates', 'defaultTimeZone', 'startsAt'],
  3: ['retryPolicy', 'maxAttempts', 'concurrencyCap', 'dailyCap'],
  4: [],
};

/** A step's errors that no input of it shows. */
export function unplacedErrors(errors: FieldErrors, step: StepIndex): [string, string][] {
  return Object.entries(stepErrors(errors, step)).filter(
    ([field]) => !STEP_FIELDS[step].some((f) => errorFor({ [field]: '' }, f) !== undefined),
  );
}

export function stepOfField(field: string): StepIndex {
  const top = field.split(/[.[]/)[0] ?? '';
  return FIELD_STEP[top] ?? REVIEW_STEP;
}

/** Every field error of the draft, by the shared create schema. */
export function validateDraft(draft: WizardDraft, allowsOverride: boolean): FieldErrors {
  const parsed = createCampaignRequestSchema.safeParse(
    toCreateRequest(draft, 'validation-only', allowsOverride),
  );
  if (parsed.success) return {};
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const field = fieldPath(issue.path);
    errors[field] ??= issue.message;
  }
  return errors;
}

/** The errors of one step: what keeps the fundraiser on it. */
export function stepErrors(errors: FieldErrors, step: StepIndex): FieldErrors {
  return Object.fromEntries(Object.entries(errors).filter(([field]) => stepOfField(field) === step));
}

/**
 * The message for an input: its own field's, or one of its parts' (`window.days` shows `window.days[0]`'s). The
 * service prefixes a 400's message with the field (`window.end: must end after it starts`); the input shows it
 * without, since it already sits on that field.
 */
export function errorFor(errors: FieldErrors, field: string): string | undefined {
  const key = Object.keys(errors).find(
    (k) => k === field || k.startsWith(`${field}.`) || k.startsWith(`${field}[`),
  );
  if (key === undefined) return undefined;
  const message = errors[key] ?? '';
  return message.startsWith(`${key}: `) ? message.slice(key.length + 2) : message;
}

/** Input props for a field's error: HubSpot inputs take `error` and `validationMessage`. */
export function errorProps(
  errors: FieldErrors,
  field: string,
): { error?: boolean; validationMessage?: string } {
  const message = errorFor(errors, field);
  return message === undefined ? {} : { error: true, validationMessage: message };
}

/** HH:MM ↔ the TimeInput's {hours, minutes}. */
export const toClock = (t: { hours: number; minutes: number }): string =>
  `${String(t.hours).padStart(2, '0')}:${String(t.minutes).padStart(2, '0')}`;
export function fromClock(hhmm: string): { hours: number; minutes: number } | undefined {
  const match = /^(\d{2}):(\d{2})$/.exec(hhmm);
  return match ? { hours: Number(match[1]), minutes: Number(match[2]) } : undefined;
}

/** YYYY-MM-DD ↔ the DateInput's {year, month (0-based), date}. */
export const toIsoDate = (d: { year: number; month: number; date: number }): string =>
  `${d.year}-${String(d.month + 1).padStart(2, '0')}-${String(d.date).padStart(2, '0')}`;

/**
 * A local date and time in `timeZone` (UTC when empty) as an ISO instant with its offset, for `startsAt`: the
 * fundraiser types a wall-clock time in the campaign's zone, the API wants an instant.
 */
export function zonedStart(date: string, time: string, timeZone: string): string {
  const zone = timeZone === '' ? 'UTC' : timeZone;
  const [y, mo, d] = date.split('-').map(Number);
  const [h, mi] = time.split(':').map(Number);
  const wall = Date.UTC(y ?? 1970, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0);
  // The zone's offset at (about) that instant, from how Intl shows it; twice, to settle across a DST change.
  const offsetAt = (instant: number): number => {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    }).formatToParts(new Date(instant));
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
    return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute')) - instant;
  };
  const offset = offsetAt(wall - offsetAt(wall));
  const minutes = Math.round(offset / 60_000);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date}T${pad(h ?? 0)}:${pad(mi ?? 0)}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** One per wizard session: a retried create is then the same create. */
export function newIdempotencyKey(): string {
  const c = globalThis.crypto;
  if (c !== undefined && typeof c.randomUUID === 'function') return `wizard-${c.randomUUID()}`;
  return `wizard-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}
