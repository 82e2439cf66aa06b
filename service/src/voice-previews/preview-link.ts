import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * Signed links to a stored voice preview: `/voice-preview/<id>?expires=<unix seconds>&sig=<base64url HMAC>`.
 * The browser opens the link with no HubSpot signature, so the link itself is the credential: an HMAC-SHA256 over
 * the id and the expiry with a key only the server has, compared in constant time. Pure.
 *
 * The key is derived (HKDF) from the HubSpot app's client secret, the one secret every web process already has:
 * links made by one instance verify on another, and the derived key is useless for HubSpot signatures.
 */

export type LinkCheck = 'ok' | 'bad_signature' | 'expired';

export function previewLinkKey(clientSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', clientSecret, 'voice-preview-link', 'v1', 32));
}

function signatureOf(key: Buffer, id: string, expiresAtSec: number): Buffer {
  return createHmac('sha256', key).update(`voice-preview:${id}:${expiresAtSec}`).digest();
}

export function previewPath(key: Buffer, id: string, expiresAtSec: number): string {
  const sig = signatureOf(key, id, expiresAtSec).toString('base64url');
  return `/voice-preview/${encodeURIComponent(id)}?expires=${expiresAtSec}&sig=${sig}`;
}

/** Checks the signature first: an expiry nobody signed says nothing, so a tampered link is never "expired". */
export function checkPreviewLink(
  key: Buffer,
  link: { readonly id: string; readonly expires: string; readonly sig: string },
  nowMs: number,
): LinkCheck {
  if (!/^\d{1,12}$/.test(link.expires) || !/^[A-Za-z0-9_-]{43}$/.test(link.sig)) return 'bad_signature';
  const expiresAtSec = Number(link.expires);
  const expected = signatureOf(key, link.id, expiresAtSec);
  const given = Buffer.from(link.sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad_signature';
  return nowMs >= expiresAtSec * 1000 ? 'expired' : 'ok';
}
