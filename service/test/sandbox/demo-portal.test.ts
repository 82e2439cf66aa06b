import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import {
  createDemoPortal,
  DEMO_TIMEZONES,
  type DemoContact,
  type DemoPortal,
} from '../../src/sandbox/demo-portal.js';

const portal = createDemoPortal();

function members(p: DemoPortal, listId: string): DemoContact[] {
  const list = p.lists.find((l) => l.listId === listId);
  if (!list) throw new Error(`no list ${listId}`);
  return Array.from({ length: list.size }, (_, i) => {
    const contact = p.contact(list.memberAt(i).recordId);
    if (!contact) throw new Error(`member ${i} of ${listId} has no contact`);
    return contact;
  });
}

const e164Of = (phone: string | null | undefined) => {
  if (!phone) return null;
  const parsed = parsePhoneNumberFromString(phone, 'US');
  return parsed?.isValid() ? String(parsed.number) : null;
};

describe('demo portal', () => {
  it('has the spring appeal (250), a quick demo list (20) and the 100k lapsed list', () => {
    expect(portal.lists.map((l) => [l.name, l.size])).toEqual([
      ['Spring appeal donors', 250],
      ['Quick demo (20 donors)', 20],
      ['Lapsed donors (100k)', 100_000],
    ]);
    expect(portal.accessToken).toBe(`sandbox-token-${portal.portalId}`);
  });

  it('gives the spring appeal list the data problems of a real portal', () => {
    const contacts = members(portal, '101');
    const phones = contacts.map((c) => c.properties.phone ?? c.properties.mobilephone ?? null);
    const normalized = phones.map(e164Of);
    const valid = normalized.filter((n): n is string => n !== null);

    expect(phones).toContain('call me maybe');
    expect(phones.filter((p) => p !== null && e164Of(p) === null).length).toBeGreaterThanOrEqual(8);
    expect(phones.filter((p) => p === null).length).toBeGreaterThanOrEqual(5);
    expect(contacts.some((c) => c.properties.phone === null && c.properties.mobilephone !== null)).toBe(true);
    expect(valid.length - new Set(valid).size).toBeGreaterThanOrEqual(4);
    expect(valid.length).toBeGreaterThan(200);

    expect(
      contacts.filter((c) => c.properties.fundraising_do_not_call === 'true').length,
    ).toBeGreaterThanOrEqual(8);
    const noConsent = contacts.filter((c) => c.properties.ai_call_consent === 'false').length;
    expect(noConsent).toBeGreaterThanOrEqual(10);
    expect(noConsent).toBeLessThan(contacts.length / 4);
  });

  it('spreads contacts over every US time zone, with Arizona, Florida and Maryland, and some without a zone', () => {
    const contacts = members(portal, '101');
    const zones = new Set(contacts.map((c) => c.properties.hs_timezone));
    for (const zone of Object.values(DEMO_TIMEZONES)) expect(zones).toContain(zone);
    expect(zones).toContain(null);
    const states = new Set(contacts.map((c) => c.properties.state));
    for (const state of ['AZ', 'FL', 'MD', 'AK', 'HI']) expect(states).toContain(state);
    // The area code and the time zone agree wherever both are known.
    const phoenix = contacts.filter((c) => c.properties.hs_timezone === DEMO_TIMEZONES.arizona);
    expect(phoenix.every((c) => c.properties.state === 'AZ')).toBe(true);
  });

  it('makes every well-formed demo phone a valid US number on a fictional 555 line', () => {
    for (const listId of ['101', '102']) {
      for (const c of members(portal, listId)) {
        const e164 = e164Of(c.properties.phone ?? c.properties.mobilephone);
        if (e164) expect(e164).toMatch(/^\+1\d{3}55501\d\d$/);
      }
    }
  });

  it('computes the 100k list from ids alone: unique numbers, same answer every time', () => {
    const list = portal.lists.find((l) => l.listId === '103');
    expect(list?.memberAt(99_999).recordId).toBe('1100000');
    expect(portal.contact('1100001')).toBeUndefined();
    const seen = new Set<string>();
    let duplicates = 0;
    for (let i = 0; i < 100_000; i += 1) {
      const phone = portal.contact(String(1_000_001 + i))?.properties.phone;
      if (phone && /^\+1\d{10}$/.test(phone)) {
        if (seen.has(phone)) duplicates += 1;
        seen.add(phone);
      }
    }
    expect(seen.size).toBeGreaterThan(50_000);
    // Only the deliberate duplicates (1 in 45) repeat a number.
    expect(duplicates).toBeLessThanOrEqual(Math.ceil(100_000 / 45));
    expect(createDemoPortal().contact('1054321')).toEqual(portal.contact('1054321'));
  });

  it('keeps the quick demo list mostly clean, with one of each problem', () => {
    const contacts = members(portal, '102');
    expect(
      contacts.filter((c) => e164Of(c.properties.phone ?? c.properties.mobilephone) === null),
    ).toHaveLength(2);
    expect(contacts.filter((c) => c.properties.fundraising_do_not_call === 'true')).toHaveLength(1);
    expect(contacts.filter((c) => c.properties.ai_call_consent === 'false')).toHaveLength(1);
  });

  it('depends on the seed for names but not for list shape', () => {
    const other = createDemoPortal({ seed: 2 });
    const names = (p: DemoPortal) => members(p, '101').map((c) => c.properties.firstname);
    expect(names(other)).not.toEqual(names(portal));
    expect(other.lists.map((l) => l.size)).toEqual(portal.lists.map((l) => l.size));
  });
});
