import { CALL_OUTCOMES } from '@fundraising/shared';
import fc from 'fast-check';
import { exportLinkKey, exportPath } from '../../service/src/api/export-link.js';
import { signHubSpotRequestV2, signHubSpotRequestV3 } from '../../service/src/hubspot/index.js';
import { previewLinkKey, previewPath } from '../../service/src/voice-previews/index.js';
import { type EndpointDescriptor, NO_BODY } from '../../service/test/api/api-endpoints.js';
import type { FuzzRequest } from './fuzz-harness.js';
import type { FuzzService } from './fuzz-service.js';
import { badSegment, nastyString } from './junk.js';

/**
 * Requests that must not get past a signature: /api calls whose HubSpot signature is missing, forged, stale, made
 * with another secret or over other bytes (401); export and voice-preview links forged or tampered with (403, or
 * 404 for a correctly signed link to nothing).
 */

/** Printable ASCII: what a header may carry. */
const headerText = fc.string({ unit: 'grapheme-ascii', maxLength: 80 });
const V3 = 'X-HubSpot-Signature-v3';
const TS = 'X-HubSpot-Request-Timestamp';

interface Signed {
  readonly method: string;
  readonly url: string;
  readonly body: string;
}

type Corruption = (call: Signed, t: FuzzService) => { what: string; request: Omit<FuzzRequest, 'label'> };

const v3 = (call: Signed, secret: string, timestampMs: number) =>
  signHubSpotRequestV3({
    method: call.method,
    uri: call.url,
    rawBody: call.body,
    clientSecret: secret,
    timestampMs,
  });

const sent = (call: Signed, headers: Record<string, string>, overrides: Partial<Signed> = {}) => {
  const body = overrides.body ?? call.body;
  return {
    method: overrides.method ?? call.method,
    url: overrides.url ?? call.url,
    headers: { ...headers, ...(body === '' ? {} : { 'content-type': 'application/json' }) },
    ...(body === '' ? {} : { body: Buffer.from(body) }),
    expect: [401],
  };
};

const corruptions: fc.Arbitrary<Corruption> = fc.oneof(
  fc.constant<Corruption>((call, t) => {
    const { [V3]: _dropped, ...rest } = v3(call, t.clientSecret, t.clock.now());
    return { what: 'no signature', request: sent(call, rest) };
  }),
  headerText.map<Corruption>((forged) => (call, t) => ({
    what: `forged signature ${forged}`,
    request: sent(call, { ...v3(call, t.clientSecret, t.clock.now()), [V3]: forged }),
  })),
  fc
    .oneof(
      fc.integer({ min: 300_001, max: 1e12 }).map((d) => ({ shift: -d, text: null })),
      fc.integer({ min: 300_001, max: 1e12 }).map((d) => ({ shift: d, text: null })),
      headerText.filter((s) => !/^\s*\d{1,16}\s*$/.test(s)).map((text) => ({ shift: 0, text })),
    )
    .map<Corruption>(({ shift, text }) => (call, t) => {
      const at = t.clock.now() + shift;
      const headers =
        text === null ? v3(call, t.clientSecret, at) : { [V3]: v3(call, t.clientSecret, at)[V3], [TS]: text };
      return { what: `timestamp ${text ?? `${shift} ms off`}`, request: sent(call, headers) };
    }),
  nastyString
    // HMAC pads short keys with zero bytes: a secret with NULs appended is the same key, not another one.
    .filter((s) => s.replaceAll('\u0000', '') !== '')
    .map<Corruption>((secret) => (call, t) => ({
      what: 'signed with another secret',
      request: sent(call, v3(call, `${t.clientSecret}${secret}`, t.clock.now())),
    })),
  fc.constant<Corruption>((call, t) => ({
    what: 'signed v2 (only workflow actions may)',
    request: sent(call, {
      ...signHubSpotRequestV2({
        method: call.method,
        uri: call.url,
        rawBody: call.body,
        clientSecret: t.clientSecret,
      }),
    }),
  })),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })).map<Corruption>(([at, xor]) => (call, t) => {
    const body = Buffer.from(call.body === '' ? '{}' : call.body);
    const i = at % body.length;
    body[i] = (body[i] ?? 0) ^ xor;
    return {
      what: `body changed after signing (byte ${i})`,
      request: {
        ...sent(call, v3(call, t.clientSecret, t.clock.now())),
        method: call.method === 'GET' ? 'POST' : call.method,
        body,
      },
    };
  }),
  fc.constantFrom('portalId', 'userId', 'limit', 'zz').map<Corruption>((name) => (call, t) => {
    const url = new URL(call.url);
    url.searchParams.set(name, name === 'portalId' ? String(t.other.portalId) : '2');
    return {
      what: `query ${name} changed after signing`,
      request: sent(call, v3(call, t.clientSecret, t.clock.now()), { url: url.toString() }),
    };
  }),
  // Correctly signed, but the caller is none we serve: a portal id that is not one, not connected, or missing.
  fc
    .tuple(
      fc.constantFrom('portalId', 'userId'),
      fc.oneof(
        nastyString.filter((s) => !/^\d{1,16}$/.test(s)),
        fc.integer({ min: 1, max: 999_999 }).map(String),
        fc.constant(null),
      ),
    )
    .filter(([name, value]) => name === 'portalId' || (value !== null && !/^\d/.test(value)))
    .map<Corruption>(([name, value]) => (call, t) => {
      const url = new URL(call.url);
      if (value === null) url.searchParams.delete(name);
      else url.searchParams.set(name, value);
      const moved = { ...call, url: url.toString() };
      return {
        what: `caller ${name}=${value ?? '(none)'}, signed`,
        request: sent(moved, v3(moved, t.clientSecret, t.clock.now())),
      };
    }),
  fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE').map<Corruption>((wanted) => (call, t) => {
    const method = wanted === call.method ? (wanted === 'GET' ? 'POST' : 'GET') : wanted;
    return {
      what: `signed as ${call.method}, sent as ${method}`,
      request: sent(call, v3(call, t.clientSecret, t.clock.now()), { method }),
    };
  }),
);

/** Each endpoint's valid request, its signature broken one way or another: 401. */
export function signatureCases(
  t: FuzzService,
  endpoints: readonly EndpointDescriptor[],
): fc.Arbitrary<FuzzRequest> {
  return fc.tuple(fc.constantFrom(...endpoints), corruptions).map(([e, corrupt]) => {
    const body = e.body?.(t.own);
    const payload = body === NO_BODY ? undefined : (body ?? (e.method === 'GET' ? undefined : {}));
    const call = t.portalA.sign(e.method, e.path(t.own), payload);
    const { what, request } = corrupt({ method: call.method, url: call.url, body: call.body }, t);
    return { label: `${e.method} ${e.route}: ${what}`, ...request };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Links.

const outcome = fc.option(fc.constantFrom(...CALL_OUTCOMES), { nil: null });

/** CSV export links: forged, tampered with, expired, or correctly signed for a campaign that is not the portal's. */
export function exportLinkCases(t: FuzzService): fc.Arbitrary<FuzzRequest> {
  const key = exportLinkKey(t.clientSecret);
  const nowSec = () => Math.floor(t.clock.now() / 1000);
  const link = (path: string, what: string): FuzzRequest => ({
    label: `GET /exports/:campaignId.csv: ${what}`,
    method: 'GET',
    url: `${t.service.url}${path}`,
    headers: {},
    expect: [403, 404],
  });
  const valid = (campaignId: string, o: string | null, expires = nowSec() + 300) =>
    exportPath(key, { portalId: t.own.portalId, campaignId, outcome: o as never }, expires);
  const tampered = fc
    .tuple(
      outcome,
      fc.constantFrom('portal', 'outcome', 'expires', 'sig', 'campaign'),
      fc.oneof(nastyString, fc.nat().map(String)),
    )
    .map(([o, field, junk]) => {
      const url = new URL(valid(t.own.campaignIds.active, o), t.service.url);
      if (field === 'campaign') url.pathname = `/exports/${t.own.campaignIds.ready}.csv`;
      else if (field === 'portal') url.searchParams.set('portal', String(t.other.portalId));
      else if (field === 'sig')
        url.searchParams.set(
          'sig',
          (url.searchParams.get('sig') ?? '').replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
        );
      else url.searchParams.set(field, junk === url.searchParams.get(field) ? `${junk}x` : junk);
      return link(`${url.pathname}${url.search}`, `${field} changed`);
    });
  return fc.oneof(
    tampered,
    fc
      .tuple(outcome, fc.integer({ min: 1, max: 1e9 }))
      .map(([o, ago]) => link(valid(t.own.campaignIds.active, o, nowSec() - ago), 'expired')),
    fc
      .tuple(fc.uuid(), outcome)
      .map(([id, o]) => link(valid(id, o), 'signed for a campaign that does not exist')),
    outcome.map((o) => link(valid(t.other.campaignIds.active, o), "signed for another portal's campaign")),
    fc
      .tuple(badSegment, fc.dictionary(fc.constantFrom('portal', 'outcome', 'expires', 'sig'), nastyString))
      // Any 4xx: a malformed id may be refused (400) before the link is looked at.
      .map(([id, query]) => ({
        ...link(`/exports/${id}.csv?${new URLSearchParams(query)}`, 'forged'),
        expect: undefined,
      })),
  );
}

/** Voice-preview links: forged, tampered with, expired, or correctly signed for a preview that does not exist. */
export function previewLinkCases(t: FuzzService): fc.Arbitrary<FuzzRequest> {
  const key = previewLinkKey(t.clientSecret);
  const nowSec = () => Math.floor(t.clock.now() / 1000);
  const link = (path: string, what: string): FuzzRequest => ({
    label: `GET /voice-preview/:previewId: ${what}`,
    method: 'GET',
    url: `${t.service.url}${path}`,
    headers: {},
    expect: [403, 404],
  });
  return fc.oneof(
    fc
      .uuid()
      .map((id) => link(previewPath(key, id, nowSec() + 300), 'signed for a preview that does not exist')),
    fc
      .tuple(fc.uuid(), fc.integer({ min: 1, max: 1e9 }))
      .map(([id, ago]) => link(previewPath(key, id, nowSec() - ago), 'expired')),
    fc
      .tuple(badSegment, fc.dictionary(fc.constantFrom('expires', 'sig'), nastyString))
      .map(([id, query]) => ({
        ...link(`/voice-preview/${id}?${new URLSearchParams(query)}`, 'forged'),
        expect: undefined,
      })),
  );
}
