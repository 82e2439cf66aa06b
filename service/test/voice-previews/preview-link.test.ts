import { describe, expect, it } from 'vitest';
import { checkPreviewLink, previewLinkKey, previewPath } from '../../src/voice-previews/index.js';

const key = previewLinkKey('client-secret');
const ID = '0b6f4a8e-3c1d-4f6e-9a7b-2d5c8e1f0a93';
const EXPIRES = 1_800_000_000;

function linkOf(path: string) {
  const url = new URL(path, 'https://service.example.org');
  return {
    id: url.pathname.split('/').at(-1) ?? '',
    expires: url.searchParams.get('expires') ?? '',
    sig: url.searchParams.get('sig') ?? '',
  };
}

describe('signed voice-preview links', () => {
  const link = linkOf(previewPath(key, ID, EXPIRES));

  it('accepts its own link until the expiry second, then calls it expired', () => {
    expect(link).toMatchObject({ id: ID, expires: String(EXPIRES) });
    expect(checkPreviewLink(key, link, EXPIRES * 1000 - 1)).toBe('ok');
    expect(checkPreviewLink(key, link, EXPIRES * 1000)).toBe('expired');
  });

  it('rejects a changed id, expiry or signature, or another secret, before looking at the time', () => {
    const late = EXPIRES * 1000 + 1;
    expect(checkPreviewLink(key, { ...link, id: ID.replace('0b', '1b') }, 0)).toBe('bad_signature');
    expect(checkPreviewLink(key, { ...link, expires: String(EXPIRES + 60) }, late)).toBe('bad_signature');
    expect(
      checkPreviewLink(
        key,
        { ...link, sig: `${link.sig.startsWith('A') ? 'B' : 'A'}${link.sig.slice(1)}` },
        0,
      ),
    ).toBe('bad_signature');
    expect(checkPreviewLink(previewLinkKey('another-secret'), link, 0)).toBe('bad_signature');
  });

  it('rejects malformed values without throwing', () => {
    for (const bad of [
      { ...link, sig: '' },
      { ...link, sig: 'short' },
      { ...link, sig: `${link.sig}=` },
      { ...link, expires: '' },
      { ...link, expires: '1e12' },
      { ...link, expires: '-5' },
    ]) {
      expect(checkPreviewLink(key, bad, 0)).toBe('bad_signature');
    }
  });

  it('derives a key that is not the client secret itself', () => {
    expect(key.length).toBe(32);
    expect(key.toString('utf8')).not.toContain('client-secret');
    expect(previewLinkKey('client-secret').equals(key)).toBe(true);
  });
});
