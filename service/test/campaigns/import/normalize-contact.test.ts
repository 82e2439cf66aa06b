import { describe, expect, it } from 'vitest';
import {
  type ContactProperties,
  contactPropertiesFor,
  type ImportSettings,
  normalizeContact,
} from '../../../src/campaigns/import/index.js';

const campaign: ImportSettings = {
  defaultRegion: 'US',
  requireConsent: true,
  consentProperty: 'ai_call_consent',
  dncProperty: 'fundraising_do_not_call',
  defaultTimeZone: null,
  variableProperties: { first_name: 'firstname', last_gift_amount: 'last_gift_amount' },
};

/** A callable contact; each case changes what it is about. */
const base: ContactProperties = {
  phone: '+12125550142',
  mobilephone: null,
  firstname: 'Ada',
  lastname: 'Lovelace',
  hs_timezone: 'america_slash_new_york',
  state: 'NY',
  country: 'United States',
  ai_call_consent: 'true',
  fundraising_do_not_call: 'false',
  last_gift_amount: '50',
};

const normalize = (overrides: ContactProperties, settings: Partial<ImportSettings> = {}) =>
  normalizeContact('501', { ...base, ...overrides }, { ...campaign, ...settings });

describe('phone numbers', () => {
  it.each([
    ['an E.164 number', '+12125550142', 'US', '+12125550142'],
    ['a US national number with punctuation', '(212) 555-0142', 'US', '+12125550142'],
    ['a US national number with dashes', '212-555-0142', 'US', '+12125550142'],
    ['a number with an extension', '+1 212 555 0142 ext. 12', 'US', '+12125550142'],
    ['a UK national number with default region GB', '020 7946 0958', 'GB', '+442079460958'],
    ['an international number whatever the default region', '+44 20 7946 0958', 'US', '+442079460958'],
  ])('stores %s as E.164', async (_what, phone, defaultRegion, e164) => {
    const contact = await normalize({ phone, hs_timezone: 'europe_slash_london' }, { defaultRegion });
    expect(contact.phoneE164).toBe(e164);
    expect(contact.skipReason).toBeNull();
  });

  it.each([
    ['words', 'call me maybe'],
    ['a number one digit short', '+1212555014'],
    ['a UK national number read with default region US', '020 7946 0958'],
    ['a short code', '911'],
  ])('skips %s as invalid_phone', async (_what, phone) => {
    const contact = await normalize({ phone });
    expect(contact).toMatchObject({ phoneE164: null, skipReason: 'invalid_phone' });
  });

  it.each([
    ['null', null],
    ['empty', ''],
    ['blank', '   '],
    ['absent', undefined],
  ])('skips a contact whose phones are %s as no_phone', async (_what, value) => {
    const contact = await normalize({ phone: value, mobilephone: value });
    expect(contact).toMatchObject({ phoneE164: null, skipReason: 'no_phone' });
  });

  it('falls back to mobilephone when phone is empty', async () => {
    const contact = await normalize({ phone: null, mobilephone: '(415) 555-0199' });
    expect(contact).toMatchObject({ phoneE164: '+14155550199', skipReason: null });
  });

  it('prefers phone over mobilephone when both are valid', async () => {
    const contact = await normalize({ phone: '+12125550142', mobilephone: '+14155550199' });
    expect(contact.phoneE164).toBe('+12125550142');
  });

  it('uses a valid mobilephone when phone holds garbage', async () => {
    const contact = await normalize({ phone: 'call me maybe', mobilephone: '+14155550199' });
    expect(contact).toMatchObject({ phoneE164: '+14155550199', skipReason: null });
  });
});

describe('consent and do-not-call', () => {
  it.each([
    ['false', 'false'],
    ['missing', null],
    ['empty', ''],
    ['anything but true', 'yes'],
  ])('skips a contact whose consent is %s as no_consent', async (_what, value) => {
    expect((await normalize({ ai_call_consent: value })).skipReason).toBe('no_consent');
  });

  it('reads consent from the property the campaign names', async () => {
    const settings = { consentProperty: 'robocall_ok' };
    expect(
      (await normalize({ robocall_ok: 'true', ai_call_consent: 'false' }, settings)).skipReason,
    ).toBeNull();
    expect((await normalize({ ai_call_consent: 'true' }, settings)).skipReason).toBe('no_consent');
  });

  it('calls without consent when the campaign does not require it', async () => {
    expect((await normalize({ ai_call_consent: null }, { requireConsent: false })).skipReason).toBeNull();
  });

  it('skips a contact flagged do-not-call as suppressed', async () => {
    expect((await normalize({ fundraising_do_not_call: 'true' })).skipReason).toBe('suppressed');
    expect((await normalize({ fundraising_do_not_call: 'false' })).skipReason).toBeNull();
    expect((await normalize({ fundraising_do_not_call: null })).skipReason).toBeNull();
  });

  it('reads do-not-call from the property the campaign names', async () => {
    const contact = await normalize({ dnc_flag: 'true' }, { dncProperty: 'dnc_flag' });
    expect(contact.skipReason).toBe('suppressed');
  });
});

describe('time zones', () => {
  it("takes the contact's hs_timezone", async () => {
    const contact = await normalize({ phone: '+14155550199', hs_timezone: 'america_slash_chicago' });
    expect(contact).toMatchObject({ zones: ['America/Chicago'], zoneSource: 'hubspot' });
  });

  it("falls back to the number's prefix, keeping every zone it spans", async () => {
    const contact = await normalize({ phone: '+12085550100', hs_timezone: null });
    expect(contact).toMatchObject({ zones: ['America/Boise', 'America/Los_Angeles'], zoneSource: 'phone' });
  });

  it("falls back to the campaign's default zone", async () => {
    const contact = await normalize(
      { phone: '+80012345678', hs_timezone: null },
      { defaultTimeZone: 'America/Denver' },
    );
    expect(contact).toMatchObject({
      zones: ['America/Denver'],
      zoneSource: 'campaign_default',
      skipReason: null,
    });
  });

  it('skips a contact with no zone at all as no_time_zone', async () => {
    const contact = await normalize({ phone: '+80012345678', hs_timezone: null });
    expect(contact).toMatchObject({ zones: [], zoneSource: 'none', skipReason: 'no_time_zone' });
  });
});

describe('precedence when several reasons apply', () => {
  it.each([
    [
      'invalid phone over do-not-call and no consent',
      { phone: 'call me maybe', fundraising_do_not_call: 'true', ai_call_consent: 'false' },
      'invalid_phone',
    ],
    [
      'no phone over do-not-call and no consent',
      { phone: null, fundraising_do_not_call: 'true', ai_call_consent: 'false' },
      'no_phone',
    ],
    [
      'do-not-call over no consent',
      { fundraising_do_not_call: 'true', ai_call_consent: 'false' },
      'suppressed',
    ],
    [
      'do-not-call over no time zone',
      { phone: '+80012345678', hs_timezone: null, fundraising_do_not_call: 'true' },
      'suppressed',
    ],
    [
      'no consent over no time zone',
      { phone: '+80012345678', hs_timezone: null, ai_call_consent: 'false' },
      'no_consent',
    ],
  ] as const)('records %s', async (_what, overrides, reason) => {
    expect((await normalize(overrides)).skipReason).toBe(reason);
  });
});

describe('what the agent and the calling window get', () => {
  it('maps the campaign variable properties, leaving out empty ones', async () => {
    const contact = await normalize(
      { firstname: '  Grace ', last_gift_amount: '' },
      { variableProperties: { first_name: 'firstname', last_gift_amount: 'last_gift_amount', city: 'city' } },
    );
    expect(contact.variables).toEqual({ first_name: 'Grace' });
    expect(contact.firstName).toBe('Grace');
  });

  it('keeps the contact id and the US state as a 2-letter code', async () => {
    expect(await normalize({ state: 'Florida' })).toMatchObject({ contactId: '501', usState: 'FL' });
    expect((await normalize({ state: 'Bavaria' })).usState).toBeNull();
    expect((await normalize({ state: null })).usState).toBeNull();
  });

  it('keeps the number of a contact skipped for consent, so it can still be shown and suppressed', async () => {
    expect(await normalize({ ai_call_consent: 'false' })).toMatchObject({
      phoneE164: '+12125550142',
      skipReason: 'no_consent',
    });
  });
});

describe('contactPropertiesFor', () => {
  it('asks for the base properties, consent, do-not-call and variable properties, each once', () => {
    const properties = contactPropertiesFor({
      ...campaign,
      consentProperty: 'robocall_ok',
      variableProperties: { first_name: 'firstname', gift: 'last_gift_amount', again: 'last_gift_amount' },
    });
    expect(properties.sort()).toEqual(
      [
        'phone',
        'mobilephone',
        'firstname',
        'lastname',
        'hs_timezone',
        'state',
        'country',
        'robocall_ok',
        'fundraising_do_not_call',
        'last_gift_amount',
      ].sort(),
    );
  });
});
