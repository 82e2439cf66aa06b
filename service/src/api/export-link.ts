import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { ExportScope } from './results-export.js';

/**
 * Signed links to a campaign's CSV export: `/exports/<campaignId>.csv?portal=&outcome=&expires=&sig=`. A browser
 * download carries no HubSpot signature, so the link is the credential: an HMAC-SHA256 over the portal, campaign,
 * outcome filter and expiry, with a key derived (HKDF) from the app's client secret, compared in constant time.
 * The approach of voice-previews/preview-link.ts, with its own key (a preview link cannot be turned into an export
 * link). Pure.
 */

/** How long an export link may be opened: the user clicks it right after asking for it. */
export const EXPORT_LINK_TTL_MS = 5 * 60_000;

export type ExportLinkCheck = 'ok' | 'bad_signature' | 'expired';

export function exportLinkKey(clientSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', clientSecret, 'results-export-link', 'v1', 32));
}

function signatureOf(key: Buffer, scope: ExportScope, expiresAtSec: number): Buffer {
  return createHmac('sha256', key)
    .update(`results-export:${scope.portalId}:${scope.campaignId}:${scope.outcome ?? ''}:${expiresAtSec}`)
    .digest();
}

export function exportPath(key: Buffer, scope: ExportScope, expiresAtSec: number): string {
  const sig = signatureOf(key, scope, expiresAtSec).toString('base64url');
  const outcome = scope.outcome === null ? '' : `&outcome=${scope.outcome}`;
  return `/exports/${scope.campaignId}.csv?portal=${scope.portalId}${outcome}&expires=${expiresAtSec}&sig=${sig}`;
}

/** Checks the signature first: an expiry nobody signed says nothing, so a tampered link is never "expired". */
export function checkExportLink(
  key: Buffer,
  link: { readonly scope: ExportScope; readonly expires: string; readonly sig: string },
  nowMs: number,
): ExportLinkCheck {
  if (!/^\d{1,12}$/.test(link.expires) || !/^[A-Za-z0-9_-]{43}$/.test(link.sig)) return 'bad_signature';
  const expiresAtSec = Number(link.expires);
  const expected = signatureOf(key, link.scope, expiresAtSec);
  const given = Buffer.from(link.sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad_signature';
  return nowMs >= expiresAtSec * 1000 ? 'expired' : 'ok';
}
