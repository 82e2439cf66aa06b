import type { SandboxFakesInfo } from '../../service/src/sandbox/index.js';
import type {
  ProofCompletion,
  ProofDial,
  ProofEngagement,
  ProofPropertyWrite,
  ProofRequest,
} from './records.js';

/**
 * The full loop's only ways in and out: what HubSpot and an admin's browser would do (the fake HubSpot signs
 * `/api` calls as its proxy does, runs the OAuth consent, enrols contacts through a workflow), and the fakes'
 * records and sandbox pages, read over loopback HTTP.
 */

export interface ApiAnswer {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: the proof reads answers loosely and checks what it uses
  readonly body: any;
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const post = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export const readFakesInfo = (fakesUrl: string) => json<SandboxFakesInfo>(`${fakesUrl}/__sandbox/fakes`);

/** Starts the held sandbox clock: the simulated day begins. */
export const runClock = (fakesUrl: string) =>
  json<unknown>(`${fakesUrl}/__sandbox/fakes/clock/run`, post({}));

/** A card's `hubspot.fetch` in `portalId`: signed by the fake HubSpot as HubSpot's proxy signs, and sent. */
export function signedApi(hubspotUrl: string, portalId: number, userId = 7001) {
  const call = (method: string, path: string, body?: unknown) =>
    json<ApiAnswer>(
      `${hubspotUrl}/__sandbox/hubspot/fetch`,
      post({ method, path, portalId, userId, ...(body === undefined ? {} : { body }) }),
    );
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body: unknown = {}) => call('POST', path, body),
    patch: (path: string, body: unknown) => call('PATCH', path, body),
  };
}
export type SignedApi = ReturnType<typeof signedApi>;

/** An admin installs the app into `portalId`: /oauth/install → the fake's consent page → /oauth/callback. */
export async function installThroughOAuth(webUrl: string, portalId: number): Promise<void> {
  const start = await fetch(`${webUrl}/oauth/install`, { redirect: 'manual' });
  const consent = new URL(start.headers.get('location') ?? '');
  consent.searchParams.set('portal_id', String(portalId));
  const approved = await fetch(consent, { redirect: 'manual' });
  const callback = approved.headers.get('location');
  if (approved.status !== 302 || callback === null)
    throw new Error(`consent for ${portalId}: HTTP ${approved.status}`);
  const page = await fetch(callback, { redirect: 'manual' });
  if (page.status !== 200)
    throw new Error(`OAuth callback for ${portalId}: HTTP ${page.status} ${await page.text()}`);
}

/** HubSpot's workflow enrols contacts into the "Place AI call" action; the callback id of each execution. */
export async function enrolThroughWorkflow(
  hubspotUrl: string,
  portalId: number,
  campaignId: string,
  contactIds: readonly string[],
): Promise<{ contactId: string; callbackId: string }[]> {
  const answer = await json<{
    executions: { contactId: string; callbackId: string; deliveries: { status: number }[] }[];
  }>(`${hubspotUrl}/__sandbox/hubspot/workflows/enrol`, post({ portalId, campaignId, contactIds }));
  for (const e of answer.executions)
    if (e.deliveries.some((d) => d.status !== 200))
      throw new Error(`enrolment of ${e.contactId}: ${JSON.stringify(e.deliveries)}`);
  return answer.executions.map(({ contactId, callbackId }) => ({ contactId, callbackId }));
}

async function readAll<T>(url: string): Promise<T[]> {
  const items: T[] = [];
  for (let offset = 0; ; ) {
    const page = await json<{ total: number; items: T[] }>(`${url}?offset=${offset}&limit=10000`);
    items.push(...page.items);
    offset += page.items.length;
    if (offset >= page.total || page.items.length === 0) return items;
  }
}

type RawDial = Omit<ProofDial, 'campaignName'>;

/** Record counts, cheap enough to poll for progress. */
export async function recordCounts(info: Pick<SandboxFakesInfo, 'elevenlabsUrl' | 'hubspotUrl'>) {
  const total = async (url: string) => (await json<{ total: number }>(`${url}?limit=1`)).total;
  const [dials, calls, writes, completions] = await Promise.all([
    total(`${info.elevenlabsUrl}/__sandbox/elevenlabs/dials`),
    total(`${info.hubspotUrl}/__sandbox/hubspot/calls`),
    total(`${info.hubspotUrl}/__sandbox/hubspot/property-writes`),
    total(`${info.hubspotUrl}/__sandbox/hubspot/callback-completions`),
  ]);
  return { dials, calls, writes, completions };
}

export const readDials = (elevenlabsUrl: string) =>
  readAll<RawDial>(`${elevenlabsUrl}/__sandbox/elevenlabs/dials`);

/** The campaign name each dial carried, from its conversation as the fake ElevenLabs' API serves it. */
export async function withCampaignNames(
  elevenlabsUrl: string,
  dials: readonly RawDial[],
): Promise<ProofDial[]> {
  const named: ProofDial[] = [];
  for (let i = 0; i < dials.length; i += 16) {
    const batch = dials.slice(i, i + 16);
    named.push(
      ...(await Promise.all(
        batch.map(async (d) => {
          const conversation = await json<{
            conversation_initiation_client_data?: { dynamic_variables?: Record<string, unknown> };
          }>(`${elevenlabsUrl}/v1/convai/conversations/${d.conversationId}`, {
            headers: { 'xi-api-key': 'proof' },
          });
          const name = conversation.conversation_initiation_client_data?.dynamic_variables?.campaign_name;
          return { ...d, campaignName: typeof name === 'string' ? name : null };
        }),
      )),
    );
  }
  return named;
}

export async function readHubSpotRecords(hubspotUrl: string) {
  const base = `${hubspotUrl}/__sandbox/hubspot`;
  const [engagements, propertyWrites, completions, requests] = await Promise.all([
    readAll<ProofEngagement>(`${base}/calls`),
    readAll<ProofPropertyWrite>(`${base}/property-writes`),
    readAll<ProofCompletion>(`${base}/callback-completions`),
    readAll<ProofRequest>(`${base}/requests`),
  ]);
  return { engagements, propertyWrites, completions, requests };
}

/** A contact as the fake HubSpot holds it (the sandbox's contact page). */
export const readContact = (hubspotUrl: string, portalId: number, contactId: string) =>
  json<{ id: string; properties: Record<string, string | null> }>(
    `${hubspotUrl}/__sandbox/hubspot/contacts/${portalId}/${contactId}`,
  );

/** A list's members, as the fake HubSpot holds them. */
export async function readListMembers(
  hubspotUrl: string,
  portalId: number,
  listId: string,
): Promise<string[]> {
  const ids: string[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await json<{ total: number; items: { id: string }[] }>(
      `${hubspotUrl}/__sandbox/hubspot/lists/${portalId}/${listId}/contacts?offset=${offset}&limit=1000`,
    );
    ids.push(...page.items.map((i) => i.id));
    if (offset + page.items.length >= page.total || page.items.length === 0) return ids;
  }
}
