import { ElevenLabsClient, ElevenLabsError, ElevenLabsTimeoutError } from '@elevenlabs/elevenlabs-js';
import type { z } from 'zod';
import type { Logger } from '../logger.js';
import { maskPhone } from '../logger.js';
import { type Conversation, conversationSchema } from './conversation-schema.js';
import { buildDialBody, dialResultFromAnswer, dialResultFromError } from './dial.js';
import { ElevenLabsApiError, readApiError, transportFailure } from './errors.js';
import {
  agentDetailSchema,
  agentsPageSchema,
  conversationsPageSchema,
  phoneNumbersSchema,
  toAgentDetails,
  toAgents,
  toConversationSummaries,
  toPhoneNumbers,
  toVoices,
  voicesSchema,
} from './read-schemas.js';
import type { Agent, AgentDetails, DialResult, ElevenLabsApi, OutboundCallRequest } from './types.js';

export interface ElevenLabsClientOptions {
  apiKey: string;
  /** https://api.elevenlabs.io, a residency host, or the sandbox fake. */
  baseUrl: string;
  /** Per HTTP attempt. The dial blocks until the provider accepts the call, so this is not a few hundred ms. */
  timeoutSeconds?: number;
  /** Retries of idempotent reads on 408/429/5xx (the SDK's backoff, honouring Retry-After). Dials: never. */
  readMaxRetries?: number;
  logger: Logger;
  /** For Retry-After dates; Date.now by default. */
  now?: () => number;
  /** Global fetch unless given (a measuring one: core/metrics.ts timedFetch). */
  fetch?: typeof fetch;
}

const DEFAULT_TIMEOUT_SECONDS = 30;
const DEFAULT_READ_RETRIES = 2;
const AGENT_PAGE_SIZE = 100;
// A workspace with more agents than this is not a fundraising dialer's; the cap stops a looping cursor.
const MAX_AGENT_PAGES = 20;
const PREVIEW_FORMAT = 'mp3_44100_128';

export function createElevenLabsClient(options: ElevenLabsClientOptions): ElevenLabsApi {
  const timeoutSeconds = options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  const readRetries = options.readMaxRetries ?? DEFAULT_READ_RETRIES;
  const now = options.now ?? Date.now;
  const log = options.logger.child({ component: 'elevenlabs' });
  const base = options.baseUrl.replace(/\/+$/, '');
  const sdk = new ElevenLabsClient({
    apiKey: options.apiKey,
    baseUrl: base,
    timeoutInSeconds: timeoutSeconds,
    maxRetries: readRetries,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const readOptions = { maxRetries: readRetries, timeoutInSeconds: timeoutSeconds };

  /** A GET through the SDK's passthrough (its auth header, base URL, timeout and retries), parsed by our schema. */
  async function getJson<T>(
    path: string,
    query: Record<string, string | number | undefined>,
    schema: z.ZodType<T>,
  ): Promise<T | null> {
    // Built here, not joined by the SDK: its path join would escape the '?' of a query string.
    const url = new URL(`${base}${path}`);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    let response: Response;
    let body: string;
    try {
      response = await sdk.fetch(
        url.toString(),
        { method: 'GET', headers: { accept: 'application/json' } },
        readOptions,
      );
      body = await response.text();
    } catch (error) {
      const { failure, detail } = transportFailure(error);
      throw new ElevenLabsApiError({
        status: null,
        failure,
        message: `GET ${path}: ${detail}`,
        cause: error,
      });
    }
    if (response.status === 404) return null;
    if (!response.ok) {
      const { message, code } = readApiError(parseJsonOrText(body), response.status);
      throw new ElevenLabsApiError({
        status: response.status,
        failure: 'http',
        code,
        message: `GET ${path}: ${message}`,
      });
    }
    const parsed = schema.safeParse(parseJsonOrText(body));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ElevenLabsApiError({
        status: response.status,
        failure: 'invalid-response',
        message: `GET ${path}: unexpected answer at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? ''}`,
      });
    }
    return parsed.data;
  }

  async function getRequired<T>(
    path: string,
    query: Record<string, string | number | undefined>,
    schema: z.ZodType<T>,
  ) {
    const result = await getJson(path, query, schema);
    if (result === null) {
      throw new ElevenLabsApiError({ status: 404, failure: 'http', message: `GET ${path}: not found` });
    }
    return result;
  }

  async function placeOutboundCall(req: OutboundCallRequest): Promise<DialResult> {
    const body = buildDialBody(req);
    const context = { attemptId: req.userId, provider: req.provider, to: maskPhone(req.toNumber) };
    // maxRetries 0: the SDK would otherwise re-send a dial after a 5xx or a timeout-ish 408, ringing a donor twice.
    const requestOptions = { maxRetries: 0, timeoutInSeconds: timeoutSeconds };
    let result: DialResult;
    try {
      result =
        req.provider === 'twilio'
          ? dialResultFromAnswer(
              await sdk.conversationalAi.twilio.outboundCall(body, requestOptions),
              'twilio',
            )
          : dialResultFromAnswer(
              await sdk.conversationalAi.sipTrunk.outboundCall(body, requestOptions),
              'sip_trunk',
            );
    } catch (error) {
      result = dialResultFromError(error, now(), timeoutSeconds);
    }
    // At capacity is routine back-pressure; rejected and unknown need a human or the reconciler.
    if (result.kind === 'placed')
      log.info({ ...context, conversationId: result.conversationId }, 'dial placed');
    else if (result.kind === 'at-capacity') log.info({ ...context, result }, 'dial at capacity');
    else log.warn({ ...context, result }, `dial ${result.kind}`);
    return result;
  }

  async function getConversation(conversationId: string): Promise<Conversation | null> {
    return getJson(`/v1/convai/conversations/${encodeURIComponent(conversationId)}`, {}, conversationSchema);
  }

  async function listConversations(q: Parameters<ElevenLabsApi['listConversations']>[0]) {
    const page = await getRequired(
      '/v1/convai/conversations',
      {
        agent_id: q.agentId,
        user_id: q.userId,
        call_start_after_unix: q.callStartAfterUnix,
        call_start_before_unix: q.callStartBeforeUnix,
        cursor: q.cursor,
        page_size: q.pageSize,
      },
      conversationsPageSchema,
    );
    return {
      conversations: toConversationSummaries(page),
      nextCursor: page.next_cursor ?? null,
      hasMore: page.has_more ?? false,
    };
  }

  async function listAgents(): Promise<Agent[]> {
    const agents: Agent[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_AGENT_PAGES; page += 1) {
      const body = await getRequired(
        '/v1/convai/agents',
        { page_size: AGENT_PAGE_SIZE, cursor },
        agentsPageSchema,
      );
      agents.push(...toAgents(body));
      if (!body.has_more || !body.next_cursor) return agents;
      cursor = body.next_cursor;
    }
    log.warn({ pages: MAX_AGENT_PAGES }, 'agent list truncated');
    return agents;
  }

  async function getAgent(agentId: string): Promise<AgentDetails | null> {
    const body = await getJson(`/v1/convai/agents/${encodeURIComponent(agentId)}`, {}, agentDetailSchema);
    return body === null ? null : toAgentDetails(body);
  }

  async function previewSpeech(voiceId: string, text: string): Promise<Buffer> {
    try {
      const stream = await sdk.textToSpeech.convert(
        voiceId,
        { text, outputFormat: PREVIEW_FORMAT },
        readOptions,
      );
      return Buffer.from(await new Response(stream).arrayBuffer());
    } catch (error) {
      throw toApiError(error, `POST /v1/text-to-speech/${voiceId}`);
    }
  }

  return {
    placeOutboundCall,
    getConversation,
    listConversations,
    listAgents,
    getAgent,
    listPhoneNumbers: async () =>
      toPhoneNumbers(await getRequired('/v1/convai/phone-numbers', {}, phoneNumbersSchema)),
    listVoices: async () => toVoices(await getRequired('/v1/voices', {}, voicesSchema)),
    previewSpeech,
  };
}

function parseJsonOrText(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** An SDK error (from a typed method other than the dial) as our error type. */
function toApiError(error: unknown, what: string): ElevenLabsApiError {
  if (error instanceof ElevenLabsError && error.statusCode !== undefined) {
    const { message, code } = readApiError(error.body, error.statusCode);
    return new ElevenLabsApiError({
      status: error.statusCode,
      failure: 'http',
      code,
      message: `${what}: ${message}`,
    });
  }
  if (error instanceof ElevenLabsError) {
    const { failure, detail } = transportFailure(
      error instanceof ElevenLabsTimeoutError ? 'timeout' : (error.cause ?? error),
    );
    return new ElevenLabsApiError({ status: null, failure, message: `${what}: ${detail}`, cause: error });
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new ElevenLabsApiError({
    status: null,
    failure: 'network',
    message: `${what}: ${detail}`,
    cause: error,
  });
}
