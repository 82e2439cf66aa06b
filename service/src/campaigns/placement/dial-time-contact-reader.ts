import type { HubSpotPortalClient } from '../../hubspot/index.js';

type Properties = Record<string, string | null>;

interface Waiter {
  readonly contactId: string;
  resolve(value: Properties | null): void;
  reject(error: unknown): void;
}

interface Batch {
  readonly portalId: number;
  readonly properties: string[];
  readonly waiters: Waiter[];
  timer: NodeJS.Timeout | undefined;
}

export interface DialTimeContactReader {
  /** The contact's current properties in HubSpot, or null when the contact no longer exists. */
  read(portalId: number, contactId: string, properties: readonly string[]): Promise<Properties | null>;
}

/**
 * Reads contacts' do-not-call and consent properties at dial time, coalescing the reads of placements running at
 * the same moment into one batch request (up to 100 contacts): a per-dial GET would spend a portal's whole
 * HubSpot budget (100 requests per 10 s) on checks at 10 dials per second. Each dial still sees the CRM as it is
 * within the window (tens of milliseconds) of dialling. Used for contacts without a fresh batched pre-dial read.
 */
export function createDialTimeContactReader(
  hubspot: { forPortal(portalId: number): HubSpotPortalClient },
  options: { windowMs?: number; maxBatch?: number } = {},
): DialTimeContactReader {
  const windowMs = options.windowMs ?? 5;
  const maxBatch = options.maxBatch ?? 100;
  const open = new Map<string, Batch>();

  const flush = (key: string) => {
    const batch = open.get(key);
    if (!batch) return;
    open.delete(key);
    clearTimeout(batch.timer);
    const ids = [...new Set(batch.waiters.map((w) => w.contactId))];
    hubspot
      .forPortal(batch.portalId)
      .batchReadContacts(ids, batch.properties)
      .then((result) => {
        const byId = new Map(result.contacts.map((c) => [c.id, c.properties]));
        for (const w of batch.waiters) w.resolve(byId.get(w.contactId) ?? null);
      })
      .catch((error: unknown) => {
        for (const w of batch.waiters) w.reject(error);
      });
  };

  return {
    read(portalId, contactId, properties) {
      const sorted = [...new Set(properties)].sort();
      const key = `${portalId}\u0000${sorted.join('\u0000')}`;
      return new Promise<Properties | null>((resolve, reject) => {
        let batch = open.get(key);
        if (!batch) {
          batch = { portalId, properties: sorted, waiters: [], timer: undefined };
          open.set(key, batch);
          batch.timer = setTimeout(() => flush(key), windowMs);
        }
        batch.waiters.push({ contactId, resolve, reject });
        if (batch.waiters.length >= maxBatch) flush(key);
      });
    },
  };
}
