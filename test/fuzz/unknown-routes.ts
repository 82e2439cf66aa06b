import fc from 'fast-check';
import { apiRequest } from './api-request.js';
import type { FuzzRequest } from './fuzz-harness.js';
import type { FuzzService } from './fuzz-service.js';
import { anyJson, badSegment, JSON_BODY } from './junk.js';

/**
 * Paths under every public prefix that no route serves (or whose parameter names nothing, as /voice-preview/zz…),
 * with any method: a 4xx (404 as a rule; the ops login answers first under /ops, a link route 403). /api requests
 * are signed, so they get past the signature to the router's own 404. OPTIONS is left out: Express answers it for
 * any matched path with the allowed methods (200, no data), which is not an input being accepted.
 */

const PREFIXES = [
  '/api',
  '/hubspot/actions',
  '/webhooks',
  '/oauth',
  '/exports',
  '/voice-preview',
  '/ops',
  '',
];

export function unknownRouteCases(t: FuzzService): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      prefix: fc.constantFrom(...PREFIXES),
      // `zz` first: no route of ours has a fixed segment starting with it.
      segments: fc.array(badSegment, { minLength: 1, maxLength: 3 }),
      method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
      body: fc.option(anyJson, { nil: undefined }),
    })
    .map(({ prefix, segments, method, body }) => {
      const path = `${prefix}/zz${segments.join('/')}`;
      const raw = body === undefined || method === 'GET' ? undefined : Buffer.from(JSON.stringify(body));
      const label = `${method} ${path}: no such route`;
      if (prefix === '/api') return apiRequest(t, label, method, path, raw);
      return {
        label,
        method,
        url: `${t.service.url}${path}`,
        headers: raw === undefined ? {} : JSON_BODY,
        ...(raw === undefined ? {} : { body: raw }),
      };
    });
}
