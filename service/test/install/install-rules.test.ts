import { describe, expect, it } from 'vitest';
import { authorizeUrl, redirectUriOf, STATE_TTL_MS, stateVerdict } from '../../src/install/authorize.js';
import { escapeHtml, installPage, renderPage } from '../../src/install/pages.js';
import { appEventsState } from '../../src/install/portal-setup.js';
import { OPTIONAL_SCOPES, REQUIRED_SCOPES } from '../../src/install/scopes.js';

describe('the authorize URL', () => {
  const url = authorizeUrl({
    endpoint: 'https://app.hubspot.com/oauth/authorize',
    clientId: 'client-1',
    redirectUri: 'https://api.example.org/oauth/callback',
    state: 'st-1',
  });

  it("carries the app's client id, redirect URI, required and optional scopes and the state", () => {
    const parsed = new URL(url);
    expect(`${parsed.origin}${parsed.pathname}`).toBe('https://app.hubspot.com/oauth/authorize');
    expect(Object.fromEntries(parsed.searchParams)).toEqual({
      client_id: 'client-1',
      redirect_uri: 'https://api.example.org/oauth/callback',
      scope: REQUIRED_SCOPES.join(' '),
      optional_scope: OPTIONAL_SCOPES.join(' '),
      state: 'st-1',
    });
  });

  it('separates scopes with %20, as HubSpot documents, not +', () => {
    expect(url).toContain('scope=oauth%20crm.lists.read%20');
    expect(url).not.toContain('+');
  });

  it('asks for the scopes the service uses, and no calls scope (Calls need the contacts scopes)', () => {
    expect(REQUIRED_SCOPES).toEqual(
      expect.arrayContaining([
        'oauth',
        'crm.lists.read',
        'crm.objects.contacts.read',
        'crm.objects.contacts.write',
        'crm.schemas.contacts.write',
        'automation',
      ]),
    );
    expect(REQUIRED_SCOPES.some((s) => s.includes('calls'))).toBe(false);
  });

  it('sends the admin back to PUBLIC_URL/oauth/callback', () => {
    expect(redirectUriOf('https://api.example.org/')).toBe('https://api.example.org/oauth/callback');
    expect(redirectUriOf('https://example.org/fundraising')).toBe(
      'https://example.org/fundraising/oauth/callback',
    );
  });
});

describe('a returning state', () => {
  const issuedAt = Date.UTC(2025, 0, 1);
  const stored = { expiresAt: new Date(issuedAt + STATE_TTL_MS) };

  it('is good until it expires, and not a moment after', () => {
    expect(stateVerdict(stored, issuedAt + STATE_TTL_MS - 1)).toBe('valid');
    expect(stateVerdict(stored, issuedAt + STATE_TTL_MS)).toBe('expired');
  });

  it('is unknown once used (deleted) or never issued', () => {
    expect(stateVerdict(undefined, issuedAt)).toBe('unknown');
  });
});

describe('app events after setup', () => {
  it('are off without an approved event type', () => {
    expect(appEventsState(null, ['oauth', 'timeline'])).toBe('off');
  });

  it('are on with an event type and the timeline scope granted', () => {
    expect(appEventsState('pe123_ai_call', ['oauth', 'timeline'])).toBe('on');
  });

  it('lack the scope when the admin did not grant the optional timeline scope', () => {
    expect(appEventsState('pe123_ai_call', ['oauth'])).toBe('scope_missing');
  });

  it("rely on the token's own scopes for portals not installed through OAuth", () => {
    expect(appEventsState('pe123_ai_call', null)).toBe('on');
  });
});

describe('install pages', () => {
  const context = { installUrl: 'https://api.example.org/oauth/install', requestId: 'req-1' };

  it('are 200 only for a connected portal, 400 for everything HubSpot or the admin got wrong', () => {
    expect(installPage({ kind: 'connected', portalId: 1, accountName: 'x' }).status).toBe(200);
    const failures = [
      installPage({ kind: 'refused', error: 'access_denied', description: undefined }),
      installPage({ kind: 'refused', error: 'invalid_scope', description: 'bad' }),
      installPage({ kind: 'invalid_callback' }),
      installPage({ kind: 'unknown_state' }),
      installPage({ kind: 'expired_state' }),
      installPage({ kind: 'exchange_failed' }),
    ];
    expect(failures.map((p) => p.status)).toEqual([400, 400, 400, 400, 400, 400]);
    expect(failures.every((p) => p.startAgain)).toBe(true);
  });

  it('escape whatever came from the outside', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const html = renderPage(
      installPage({ kind: 'refused', error: '<img src=x onerror=alert(1)>', description: '"quoted"' }),
      context,
    );
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('href="https://api.example.org/oauth/install"');
    expect(html).toContain('req-1');
  });
});
