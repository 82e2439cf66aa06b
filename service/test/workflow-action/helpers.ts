import { PLACE_CALL_ACTION_PATHS } from '@fundraising/shared';
import { waitUntil } from '../../../test/helpers/wait.js';
import { signHubSpotRequestV2 } from '../../src/hubspot/index.js';
import type { RunningService } from '../../src/runtime.js';
import { type SignedCall, sendSignedCall } from '../../src/sandbox/hubspot/signed-calls.js';
import { createDemoPortal } from '../../src/sandbox/index.js';

/** Helpers of the workflow-action tests: demo contacts of a kind, executions signed as HubSpot signs them. */

type Kind = 'callable' | 'no_phone' | 'do_not_call' | 'no_consent';

/** Contact ids of the demo portal's 100,000 list of one kind, Eastern time ones only (their window is predictable). */
export function demoContacts(kind: Kind, count: number, skip = 0): string[] {
  const portal = createDemoPortal();
  const list = portal.lists.find((l) => l.size === 100_000);
  if (!list) throw new Error('the demo portal has no 100k list');
  const ids: string[] = [];
  let seen = 0;
  for (let i = 0; ids.length < count && i < list.size; i++) {
    const id = list.memberAt(i).recordId;
    const p = portal.contact(id)?.properties;
    if (p?.hs_timezone !== 'america_slash_new_york') continue;
    const hasPhone = /^\+1\d{10}$/.test(p.phone ?? '');
    const dnc = p.fundraising_do_not_call === 'true';
    const consent = p.ai_call_consent === 'true';
    const match =
      kind === 'callable'
        ? hasPhone && !dnc && consent
        : kind === 'no_phone'
          ? p.phone === null && p.mobilephone === null && !dnc && consent
          : kind === 'do_not_call'
            ? hasPhone && dnc && consent
            : hasPhone && !dnc && !consent;
    if (match && seen++ >= skip) ids.push(id);
  }
  if (ids.length < count) throw new Error(`only ${ids.length} demo contacts of kind ${kind}`);
  return ids;
}

/** An execution body as HubSpot sends it for our action. */
export function executionBody(
  portalId: number,
  callbackId: string,
  contactId: string,
  inputFields: Record<string, unknown>,
): Record<string, unknown> {
  return {
    callbackId,
    origin: { portalId, actionDefinitionId: 2210045, actionDefinitionVersion: 1 },
    context: { source: 'WORKFLOWS', workflowId: 587001234 },
    object: { objectId: Number(contactId), objectType: 'CONTACT' },
    inputFields,
  };
}

/** Signs a POST to the service as HubSpot signs workflow-action calls (v2), with the app's secret or another. */
export function signV2(service: RunningService, path: string, body: unknown, secret?: string): SignedCall {
  const sandbox = service.integrations.sandbox;
  if (!sandbox) throw new Error('needs a sandbox service');
  const url = `${service.url}${path}`;
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const signature = signHubSpotRequestV2({
    method: 'POST',
    uri: url,
    rawBody: raw,
    clientSecret: secret ?? sandbox.secrets.hubspotClientSecret,
  });
  return { method: 'POST', url, headers: { ...signature, 'content-type': 'application/json' }, body: raw };
}

// biome-ignore lint/suspicious/noExplicitAny: test code reads answers loosely and asserts on them
export const send = (call: SignedCall): Promise<{ status: number; body: any }> => sendSignedCall(call);

export const execute = (service: RunningService, body: unknown) =>
  send(signV2(service, PLACE_CALL_ACTION_PATHS.actionUrl, body));

export const fetchOptions = (service: RunningService, body: unknown) =>
  send(signV2(service, PLACE_CALL_ACTION_PATHS.campaignOptionsUrl, body));

/** Waits until the fake HubSpot has a completion for every callback id; returns them by callback id. */
export async function completionsOf(
  service: RunningService,
  callbackIds: readonly string[],
  timeoutMs = 60_000,
): Promise<Map<string, Record<string, unknown>>> {
  const record = service.integrations.sandbox?.hubspot.record.callbackCompletions ?? [];
  const wanted = new Set(callbackIds);
  await waitUntil(() => record.filter((c) => wanted.has(c.callbackId)).length >= wanted.size, {
    timeoutMs,
    intervalMs: 100,
    what: `completions of ${callbackIds.join(', ')}`,
  });
  return new Map(record.filter((c) => wanted.has(c.callbackId)).map((c) => [c.callbackId, c.outputFields]));
}
