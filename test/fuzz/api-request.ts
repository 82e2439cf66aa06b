import type fc from 'fast-check';
import { signHubSpotRequestV3 } from '../../service/src/hubspot/index.js';
import {
  type EndpointDescriptor,
  NO_BODY,
  type PortalObjects,
} from '../../service/test/api/api-endpoints.js';
import type { FuzzRequest } from './fuzz-harness.js';
import type { FuzzService } from './fuzz-service.js';
import { type BodyHeaders, JSON_BODY } from './junk.js';

/**
 * A request to the signed /api as HubSpot's card proxy sends it (caller parameters in the query, v3 signature over
 * the exact bytes), and what the fuzz cases are made from: each endpoint's valid body.
 */

export type BodyBytes = Buffer | undefined;

/** An endpoint's fuzz case: null when the endpoint has nothing of that kind to get wrong. */
export type CaseMaker = (t: FuzzService, e: EndpointDescriptor) => fc.Arbitrary<FuzzRequest> | null;
/** Signs `pathAndQuery` as the card proxy would for portal A, over exactly `body`. */
export function apiRequest(
  t: FuzzService,
  label: string,
  method: string,
  pathAndQuery: string,
  body: BodyBytes,
  bodyHeaders: BodyHeaders = body === undefined ? {} : JSON_BODY,
): FuzzRequest {
  // The proxy's URL (caller parameters added); the signature is then made over our raw bytes.
  const { url } = t.portalA.sign('GET', pathAndQuery);
  const signature = signHubSpotRequestV3({
    method,
    uri: url,
    rawBody: method === 'GET' ? '' : (body ?? ''),
    clientSecret: t.clientSecret,
    timestampMs: t.clock.now(),
  });
  return {
    label,
    method,
    url,
    headers: { ...signature, ...bodyHeaders },
    ...(method === 'GET' || body === undefined ? {} : { body }),
  };
}

export const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
export const hasBody = (e: EndpointDescriptor) => e.method !== 'GET';
export const validBody = (e: EndpointDescriptor, own: PortalObjects): unknown => {
  const body = e.body?.(own);
  return body === NO_BODY || body === undefined ? {} : body;
};
