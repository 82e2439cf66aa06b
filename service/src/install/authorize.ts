import { OPTIONAL_SCOPES, REQUIRED_SCOPES } from './scopes.js';

/** Where HubSpot sends the installing admin back to: the same URI must be given again when the code is exchanged. */
export function redirectUriOf(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/oauth/callback`;
}

/**
 * HubSpot's consent page for this app: client_id, redirect_uri, scope and optional_scope (space-separated), state.
 * Encoded with %20 for spaces, as HubSpot's own examples are, rather than URLSearchParams' '+'.
 */
export function authorizeUrl(options: {
  readonly endpoint: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly state: string;
  readonly scopes?: readonly string[];
  readonly optionalScopes?: readonly string[];
}): string {
  const scopes = options.scopes ?? REQUIRED_SCOPES;
  const optional = options.optionalScopes ?? OPTIONAL_SCOPES;
  const params: [string, string][] = [
    ['client_id', options.clientId],
    ['redirect_uri', options.redirectUri],
    ['scope', scopes.join(' ')],
    ...(optional.length > 0 ? ([['optional_scope', optional.join(' ')]] as [string, string][]) : []),
    ['state', options.state],
  ];
  return `${options.endpoint}?${params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`;
}

/** How long an admin has between starting the install and coming back from HubSpot's consent page. */
export const STATE_TTL_MS = 15 * 60_000;

export type StateVerdict = 'valid' | 'unknown' | 'expired';

/**
 * A returning `state` is good once, before it expires. A state we never issued and one already used look the same
 * here (used ones are deleted on first use), and both are refused.
 */
export function stateVerdict(stored: { readonly expiresAt: Date } | undefined, nowMs: number): StateVerdict {
  if (stored === undefined) return 'unknown';
  return nowMs < stored.expiresAt.getTime() ? 'valid' : 'expired';
}
