import type { Response } from 'express';
import type { ContactProperties, DemoContact, DemoPortal } from '../demo-portal.js';
import type { SandboxClock } from '../http-server.js';
import { callSchema } from './call-properties.js';
import { contactSchema, type ObjectSchema, type SchemaObjectType } from './properties.js';

/**
 * What the fake HubSpot remembers: per portal, the property writes laid over the computed demo contacts, the
 * property definitions, engagements, app events and completed callbacks; across portals, the tokens; and a record
 * of everything the outside world sent, for /__sandbox/hubspot/… and for tests.
 */

export interface RequestRecord {
  readonly at: string;
  readonly atMs: number;
  readonly method: string;
  readonly path: string;
  readonly portalId: number | null;
  status: number;
  /** The caller's User-Agent (the service names its process there). */
  readonly client: string | null;
  /** The Retry-After a 429 asked for, in ms. */
  retryAfterMs: number | null;
}

export interface HubSpotRecord {
  readonly requests: RequestRecord[];
  readonly rateLimited: { at: string; portalId: number; method: string; path: string }[];
  readonly propertyWrites: {
    at: string;
    portalId: number;
    contactId: string;
    properties: ContactProperties;
  }[];
  readonly schemaChanges: {
    at: string;
    portalId: number;
    objectType: SchemaObjectType;
    kind: 'group' | 'property';
    name: string;
  }[];
  readonly calls: {
    at: string;
    portalId: number;
    id: string;
    properties: ContactProperties;
    contactIds: string[];
    /** The caller's id for the input, echoed back by HubSpot: lets a test spot a call logged twice. */
    objectWriteTraceId: string | null;
  }[];
  readonly appEvents: {
    at: string;
    portalId: number;
    eventTypeName: string;
    id: string;
    objectId: string;
    properties: Record<string, unknown>;
    /** An occurrence with an id already sent: HubSpot keeps the first (occurrences are immutable). */
    duplicate: boolean;
  }[];
  readonly callbackCompletions: {
    at: string;
    portalId: number;
    callbackId: string;
    outputFields: Record<string, unknown>;
    /** The callback had already been completed. */
    duplicate: boolean;
  }[];
  readonly oauth: { at: string; grantType: string; portalId: number | null; outcome: string }[];
  /** Webhook requests the fake sent to the service (contact changes and deletions made in the sandbox). */
  readonly webhookDeliveries: WebhookDeliveryRecord[];
}

export interface WebhookDeliveryRecord {
  readonly at: string;
  readonly portalIds: number[];
  readonly subscriptionTypes: string[];
  readonly events: number;
  /** Requests sent for this batch (retries after a 5xx or a failed connection included). */
  readonly attempts: number;
  /** The service's last answer; null when no connection was made. */
  readonly status: number | null;
  readonly error: string | null;
}

export interface StoredObject {
  readonly id: string;
  readonly properties: ContactProperties;
  readonly createdAt: string;
  updatedAt: string;
  readonly objectWriteTraceId?: string;
}

export class PortalState {
  readonly overlays = new Map<string, { properties: ContactProperties; updatedAt: string }>();
  readonly schemas: Readonly<Record<SchemaObjectType, ObjectSchema>> = {
    contacts: contactSchema(),
    calls: callSchema(),
  };
  readonly calls = new Map<string, StoredObject>();
  readonly appEventKeys = new Set<string>();
  readonly completedCallbacks = new Set<string>();
  /** Contacts deleted in the sandbox (plainly or for privacy): HubSpot no longer returns them. */
  readonly deleted = new Set<string>();

  constructor(readonly portal: DemoPortal) {}

  /** The contact as HubSpot would now return it: computed base, then every write laid over it. */
  contact(id: string): (DemoContact & { updatedAt: string }) | undefined {
    if (this.deleted.has(id)) return undefined;
    const base = this.portal.contact(id);
    if (!base) return undefined;
    const overlay = this.overlays.get(id);
    if (!overlay) return { ...base, updatedAt: base.createdAt };
    return {
      ...base,
      updatedAt: overlay.updatedAt,
      properties: { ...base.properties, ...overlay.properties, lastmodifieddate: overlay.updatedAt },
    };
  }

  write(id: string, properties: ContactProperties, at: string): void {
    const previous = this.overlays.get(id)?.properties ?? {};
    this.overlays.set(id, { properties: { ...previous, ...properties }, updatedAt: at });
  }
}

export interface TokenInfo {
  readonly portalId: number;
  readonly scopes: readonly string[];
  /** null: never expires (the portal's static token). */
  readonly expiresAtMs: number | null;
}

export const SANDBOX_SCOPES = [
  'oauth',
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.lists.read',
  'crm.schemas.contacts.write',
  'crm.objects.calls.write',
  'timeline',
  'automation',
] as const;

/** A rolling window per portal, as HubSpot counts its ten-secondly limit. */
export class RollingWindowLimiter {
  private readonly hits = new Map<number, number[]>();

  constructor(
    readonly max: number,
    readonly windowMs: number,
  ) {}

  /** Counts a request if the window has room; returns how many remain (or -1 when refused). */
  take(portalId: number, nowMs: number): number {
    const recent = (this.hits.get(portalId) ?? []).filter((t) => t > nowMs - this.windowMs);
    if (recent.length >= this.max) {
      this.hits.set(portalId, recent);
      return -1;
    }
    recent.push(nowMs);
    this.hits.set(portalId, recent);
    return this.max - recent.length;
  }
}

export interface HubSpotContext {
  readonly portals: ReadonlyMap<number, PortalState>;
  readonly tokens: Map<string, TokenInfo>;
  readonly refreshTokens: Map<string, Omit<TokenInfo, 'expiresAtMs'>>;
  readonly authCodes: Map<string, { portalId: number; redirectUri: string }>;
  readonly record: HubSpotRecord;
  readonly clock: SandboxClock;
  readonly clientId: string;
  readonly clientSecret: string;
  /** How long a new object stays out of CRM search results (HubSpot indexes with a delay); 0 by default. */
  readonly searchLagMs: number;
  /** Object ids for created engagements: unique within the fake, increasing. */
  nextObjectId(): string;
}

/** The portal the request's token belongs to (set by the auth middleware). */
export function portalOf(res: Response): PortalState {
  const portal: unknown = res.locals.portal;
  if (!(portal instanceof PortalState)) throw new Error('route reached without an authenticated portal');
  return portal;
}
