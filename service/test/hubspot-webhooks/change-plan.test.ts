import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/core/app-error.js';
import { planChanges, type StoredEvent } from '../../src/hubspot-webhooks/change-plan.js';
import { kindOf, parseWebhookBatch } from '../../src/hubspot-webhooks/webhook-events.js';

const base = {
  eventId: 101,
  subscriptionId: 2001,
  portalId: 9900001,
  appId: 1000001,
  occurredAt: 1_767_000_000_000,
  attemptNumber: 0,
  objectId: 4242,
};

const propertyChange = (over: Record<string, unknown> = {}) => ({
  ...base,
  subscriptionType: 'contact.propertyChange',
  propertyName: 'fundraising_do_not_call',
  propertyValue: 'true',
  changeSource: 'CRM_UI',
  ...over,
});

function refusal(body: unknown): { field: string | undefined; message: string } {
  try {
    parseWebhookBatch(body);
  } catch (error) {
    if (error instanceof AppError) return { field: error.field, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('parsing a HubSpot webhook batch', () => {
  it('reads the documented fields, keeps unknown ones in the body, and keys the event on what a redelivery repeats', () => {
    const [event] = parseWebhookBatch([{ ...propertyChange(), sourceId: 'userId:7', isSensitive: false }]);
    expect(event).toMatchObject({
      portalId: 9900001,
      eventId: '101',
      subscriptionId: '2001',
      kind: 'contact_property_change',
      objectId: '4242',
      propertyName: 'fundraising_do_not_call',
      propertyValue: 'true',
      occurredAtMs: 1_767_000_000_000,
      dedupeKey: '9900001:2001:101:4242:1767000000000',
    });
    expect(JSON.parse(event?.body ?? '{}')).toMatchObject({ sourceId: 'userId:7', isSensitive: false });
    const [retry] = parseWebhookBatch([{ ...propertyChange(), attemptNumber: 3 }]);
    expect(retry?.dedupeKey).toBe(event?.dedupeKey);
  });

  it('knows the legacy contact types and the generic object types of contacts (0-1); everything else is other', () => {
    expect(kindOf('contact.propertyChange', undefined)).toBe('contact_property_change');
    expect(kindOf('contact.deletion', undefined)).toBe('contact_deletion');
    expect(kindOf('contact.privacyDeletion', undefined)).toBe('contact_privacy_deletion');
    expect(kindOf('object.propertyChange', '0-1')).toBe('contact_property_change');
    expect(kindOf('object.deletion', '0-1')).toBe('contact_deletion');
    expect(kindOf('object.deletion', '0-3')).toBe('other');
    expect(kindOf('contact.merge', undefined)).toBe('other');
    expect(kindOf('deal.propertyChange', undefined)).toBe('other');
  });

  it('accepts an unknown subscription type without an objectId, and a cleared value as null', () => {
    const events = parseWebhookBatch([
      { ...base, objectId: undefined, subscriptionType: 'conversation.creation' },
      propertyChange({ propertyValue: null }),
    ]);
    expect(events.map((e) => [e.kind, e.propertyValue])).toEqual([
      ['other', null],
      ['contact_property_change', null],
    ]);
  });

  it('refuses a body that is not an array, more than 100 events, and a malformed event, naming the field', () => {
    expect(refusal({ events: [] })).toMatchObject({ field: 'body' });
    const many = Array.from({ length: 101 }, (_, i) => propertyChange({ eventId: i }));
    expect(refusal(many)).toMatchObject({
      field: 'events',
      message: 'events: at most 100 events per request, got 101',
    });
    expect(refusal([propertyChange(), propertyChange({ portalId: 'abc' })]).field).toBe('events[1].portalId');
    expect(refusal([propertyChange({ eventId: -1 })]).field).toBe('events[0].eventId');
    expect(refusal([propertyChange({ occurredAt: '2026-01-01' })]).field).toBe('events[0].occurredAt');
    expect(refusal([propertyChange({ objectId: undefined })]).field).toBe('events[0].objectId');
    expect(refusal([propertyChange({ propertyName: undefined })]).field).toBe('events[0].propertyName');
    expect(refusal(['not an event']).field).toBe('events[0]');
  });
});

describe('planning what new events do', () => {
  const PORTAL = 9900001;
  const properties = new Map([
    [PORTAL, { dnc: new Set(['fundraising_do_not_call']), consent: new Set(['ai_call_consent']) }],
  ]);
  let row = 0;
  const stored = (raw: Record<string, unknown>): StoredEvent => {
    const [event] = parseWebhookBatch([raw]);
    if (!event) throw new Error('no event');
    row += 1;
    return { ...event, rowId: String(row) };
  };
  const plan = (events: StoredEvent[], superseded: string[] = []) =>
    planChanges({ events, servedPortals: new Set([PORTAL]), properties, superseded: new Set(superseded) });

  it('do-not-call true suppresses, anything else unsuppresses; both forget the cached check', () => {
    const on = stored(propertyChange({ objectId: 1, propertyValue: ' TRUE ' }));
    const off = stored(propertyChange({ objectId: 2, propertyValue: 'false' }));
    const p = plan([on, off]);
    const ref = (contactId: string) => ({ portalId: PORTAL, contactId, property: 'fundraising_do_not_call' });
    expect(p.suppress).toEqual([ref('1')]);
    expect(p.unsuppress).toEqual([ref('2')]);
    expect(p.invalidate).toEqual([ref('1'), ref('2')]);
    expect(p.outcomes.map((o) => o.outcome)).toEqual([
      'applied: do-not-call true',
      'applied: do-not-call false',
    ]);
  });

  it('a consent change only forgets the cached check; a superseded change does nothing', () => {
    const consent = stored(propertyChange({ propertyName: 'ai_call_consent', propertyValue: 'false' }));
    const old = stored(propertyChange({ objectId: 3 }));
    const p = plan([consent, old], [old.rowId]);
    expect(p.invalidate).toEqual([{ portalId: PORTAL, contactId: '4242', property: 'ai_call_consent' }]);
    expect(p.suppress).toEqual([]);
    expect(p.outcomes[1]).toMatchObject({ outcome: expect.stringMatching(/^superseded/), done: true });
  });

  it('deletions cancel (once per contact); a privacy deletion also asks for erasure and stays pending', () => {
    const privacy = stored({ ...base, subscriptionType: 'contact.privacyDeletion' });
    const deletion = stored({ ...base, subscriptionType: 'contact.deletion' });
    const p = plan([privacy, deletion]);
    expect(p.cancel).toEqual([{ portalId: PORTAL, contactId: '4242' }]);
    expect(p.erase).toEqual([{ portalId: PORTAL, contactId: '4242' }]);
    expect(p.outcomes.map((o) => o.done)).toEqual([false, true]);
  });

  it('ignores other portals, other types and properties no campaign reads, without failing the rest', () => {
    const foreign = stored(propertyChange({ portalId: 12345 }));
    const deal = stored({ ...base, subscriptionType: 'deal.creation' });
    const unused = stored(propertyChange({ propertyName: 'firstname', propertyValue: 'Ada' }));
    const used = stored(propertyChange());
    const p = plan([foreign, deal, unused, used]);
    expect(p.outcomes.map((o) => o.outcome)).toEqual([
      'ignored: portal not served',
      'ignored: not a contact event we act on',
      'ignored: no campaign uses this property',
      'applied: do-not-call true',
    ]);
    expect(p.suppress).toHaveLength(1);
  });
});
