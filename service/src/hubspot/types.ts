/**
 * The narrow surface the rest of the service sees of HubSpot. No SDK type appears here: callers depend on these
 * shapes only, so the SDK can be upgraded (or replaced by the sandbox fake) without touching them.
 */

/** Contact lists have objectTypeId 0-1; lists of companies, deals etc. share the same endpoints. */
export const CONTACT_OBJECT_TYPE_ID = '0-1';

export interface ListSummary {
  readonly listId: string;
  readonly name: string;
  /** MANUAL (static), DYNAMIC (filter based) or SNAPSHOT. */
  readonly processingType: string;
  readonly objectTypeId: string;
  /** Member count when HubSpot reports it (`size` on a fetched list, `hs_list_size` in search results). */
  readonly size: number | null;
}

export type PropertyType = 'string' | 'number' | 'date' | 'datetime' | 'enumeration' | 'bool';
export type PropertyFieldType =
  | 'text'
  | 'textarea'
  | 'number'
  | 'date'
  | 'select'
  | 'radio'
  | 'checkbox'
  | 'booleancheckbox';

export interface PropertyDefinition {
  readonly name: string;
  readonly label: string;
  readonly type: PropertyType;
  readonly fieldType: PropertyFieldType;
  readonly description?: string;
  readonly options?: readonly {
    label: string;
    value: string;
    displayOrder?: number;
    hidden?: boolean;
  }[];
}

/** The hs_call_status enumeration of HubSpot's Calls object. */
export type CallStatus =
  | 'BUSY'
  | 'CALLING_CRM_USER'
  | 'CANCELED'
  | 'COMPLETED'
  | 'CONNECTING'
  | 'FAILED'
  | 'IN_PROGRESS'
  | 'NO_ANSWER'
  | 'QUEUED'
  | 'RINGING';

export interface CallEngagementInput {
  /** Ours, stable per attempt; sent as the batch input's objectWriteTraceId so results map back to it. */
  readonly idempotencyKey: string;
  readonly contactId: string;
  /** When the call happened (hs_timestamp). */
  readonly timestamp: Date;
  readonly title: string;
  readonly body: string;
  readonly status: CallStatus;
  readonly durationMs: number;
  readonly toNumber: string;
  readonly fromNumber: string;
  readonly recordingUrl?: string;
  readonly direction: 'OUTBOUND';
  /** A call outcome GUID (hs_call_disposition) where the portal has one for the outcome. */
  readonly dispositionId?: string;
  /** Further call properties, e.g. custom ones the app created on calls. */
  readonly extraProperties?: Readonly<Record<string, string>>;
}

export interface CreatedCall {
  readonly idempotencyKey: string;
  readonly id: string;
}

export interface AppEventOccurrence {
  /** The event type's fullyQualifiedName. */
  readonly eventTypeName: string;
  /** The CRM record (contact id) the occurrence belongs to. */
  readonly objectId: string;
  /** Deterministic, so a retry can never create a second occurrence (occurrences are immutable). */
  readonly id: string;
  /** ISO-8601; HubSpot uses the time of receipt when absent. */
  readonly timestamp?: string;
  readonly properties: Readonly<Record<string, string | number>>;
}

export interface WorkflowCallbackCompletion {
  readonly callbackId: string;
  readonly outputFields: Readonly<Record<string, string>>;
}

/** A Calls engagement found by one of its property values. */
export interface FoundCall {
  readonly id: string;
  /** The searched property's value on this call. */
  readonly value: string;
}

export interface BatchItemError {
  readonly id: string | null;
  readonly message: string;
}

export interface HubSpotPortalClient {
  readonly portalId: number;
  /** POST /crm/v3/lists/search, keeping contact lists only (the page's offset and hasMore are HubSpot's). */
  searchLists(q: {
    query?: string;
    offset?: number;
    count?: number;
  }): Promise<{ lists: ListSummary[]; hasMore: boolean; offset: number }>;
  /** null when HubSpot answers 404, so a caller can answer "unknown list" with a 4xx. */
  getList(listId: string): Promise<ListSummary | null>;
  /**
   * One page of record ids (limit defaults to and is capped at 250); `after` is null on the last page.
   * `total` is the list's size when the response includes it (null otherwise), so progress needs no extra call.
   */
  getListMembershipsPage(
    listId: string,
    after?: string,
    limit?: number,
  ): Promise<{ recordIds: string[]; after: string | null; total: number | null }>;
  /** At most 100 ids. Ids HubSpot does not return (deleted, merged, never existed) come back in missingIds. */
  batchReadContacts(
    ids: readonly string[],
    properties: readonly string[],
  ): Promise<{ contacts: { id: string; properties: Record<string, string | null> }[]; missingIds: string[] }>;
  /** At most 100 inputs; per-record failures of a 207 come back in errors. */
  batchUpdateContacts(
    inputs: readonly { id: string; properties: Readonly<Record<string, string>> }[],
  ): Promise<{ updated: string[]; errors: BatchItemError[] }>;
  /** Idempotent: an existing group or property (409) is left exactly as it is. */
  ensureContactProperties(
    group: { name: string; label: string },
    properties: readonly PropertyDefinition[],
  ): Promise<{ groupCreated: boolean; created: string[] }>;
  /** Same as ensureContactProperties, for properties on Calls engagements (e.g. our own id for the call). */
  ensureCallProperties(
    group: { name: string; label: string },
    properties: readonly PropertyDefinition[],
  ): Promise<{ groupCreated: boolean; created: string[] }>;
  /**
   * POST /crm/v3/objects/calls/search: every call whose property holds one of the values (at most 100), all pages.
   * The search index lags writes by seconds, so a call created moments ago may not be found yet.
   */
  findCallsByProperty(propertyName: string, values: readonly string[]): Promise<FoundCall[]>;
  /**
   * At most 100 calls, each associated to its contact. ids: every call HubSpot created; created: those mapped
   * back to their idempotency key (HubSpot echoes objectWriteTraceId), for the caller to store; an input missing
   * from created was not created (a 207 says why in errors).
   * Creating is not idempotent at HubSpot, so a 5xx or a lost connection is not retried: it throws a
   * HubSpotApiError with outcomeUnknown set.
   */
  createCalls(calls: readonly CallEngagementInput[]): Promise<{
    ids: string[];
    created: CreatedCall[];
    errors: BatchItemError[];
  }>;
  /** POST /integrators/timeline/v4/events, one request per occurrence; a 409 (already sent) counts as sent. */
  sendAppEvents(events: readonly AppEventOccurrence[]): Promise<void>;
  /** POST /automation/v4/actions/callbacks/complete, 100 per request. */
  completeWorkflowCallbacks(callbacks: readonly WorkflowCallbackCompletion[]): Promise<void>;
}

export interface OAuthTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresAt: Date;
  /** The portal, when the token response names it (hub_id); otherwise ask getTokenInfo. */
  readonly hubId?: number;
}

export interface AccessTokenInfo {
  readonly hubId: number;
  readonly scopes: string[];
  readonly appId?: number;
  readonly hubDomain?: string;
  /** The HubSpot user who granted the token. */
  readonly userId?: number;
}

export interface HubSpotOAuth {
  /** POST /oauth/v1/token, grant_type=authorization_code (form-encoded). */
  exchangeCode(code: string, redirectUri: string): Promise<OAuthTokens>;
  /** POST /oauth/v1/token, grant_type=refresh_token (form-encoded). */
  refresh(refreshToken: string): Promise<OAuthTokens>;
  /** GET /oauth/v1/access-tokens/{token}: which portal and scopes a fresh token belongs to. */
  getTokenInfo(accessToken: string): Promise<AccessTokenInfo>;
}

/** Hands out a valid access token for a portal. */
export interface TokenProvider {
  getAccessToken(portalId: number): Promise<string>;
  /** Forget any cached token, e.g. after HubSpot answered 401 with it. */
  invalidate?(portalId: number): void;
}
