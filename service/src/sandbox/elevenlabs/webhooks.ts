import { wireNow } from '../../core/clock.js';
import { signElevenLabsPayload } from '../../elevenlabs/index.js';
import type { Logger } from '../../logger.js';
import { isoAt, type SandboxClock } from '../http-server.js';
import type { WebhookType } from './wire.js';

/**
 * Sends the fake's post-call webhooks the way ElevenLabs does: one POST, `ElevenLabs-Signature` over the exact
 * bytes sent (signed by the ElevenLabs module's own signer, which the signature tests check against the
 * documented scheme), no retries. Every attempt (and every deliberately dropped one) is recorded.
 */

export interface WebhookDeliveryRecord {
  readonly at: string;
  readonly type: WebhookType;
  readonly conversationId: string;
  /** 1 for the delivery, 2 for a duplicate sent on purpose. */
  readonly attempt: number;
  /** The receiver's HTTP status; null when nothing was sent or the connection failed. */
  readonly status: number | null;
  readonly dropped: boolean;
  readonly error: string | null;
  /** The fault that changed this delivery (dropWebhook, duplicateWebhook, delayWebhook, reorderWebhook), if any. */
  readonly fault: string | null;
}

export interface WebhookSenderOptions {
  readonly secret: string;
  readonly clock: SandboxClock;
  readonly logger: Logger;
  readonly record: WebhookDeliveryRecord[];
  readonly timeoutMs?: number;
}

export class WebhookSender {
  url: string | undefined;
  private pending = 0;
  private readonly onSettled = new Set<() => void>();

  constructor(
    private readonly options: WebhookSenderOptions,
    url: string | undefined,
  ) {
    this.url = url;
  }

  get inProgress(): number {
    return this.pending;
  }

  /** Called whenever a delivery settles, so callers can wait for quiet without polling. */
  subscribe(listener: () => void): () => void {
    this.onSettled.add(listener);
    return () => this.onSettled.delete(listener);
  }

  recordDropped(type: WebhookType, conversationId: string): void {
    this.options.record.push({
      at: isoAt(this.options.clock.now()),
      type,
      conversationId,
      attempt: 1,
      status: null,
      dropped: true,
      error: null,
      fault: 'dropWebhook',
    });
  }

  async send(
    type: WebhookType,
    conversationId: string,
    body: unknown,
    attempt: number,
    fault: string | null = null,
  ): Promise<void> {
    this.pending += 1;
    try {
      const status = await this.post(type, conversationId, body);
      this.options.record.push({ ...status, type, conversationId, attempt, dropped: false, fault });
    } finally {
      this.pending -= 1;
      for (const listener of this.onSettled) listener();
    }
  }

  private async post(
    type: WebhookType,
    conversationId: string,
    body: unknown,
  ): Promise<{ at: string; status: number | null; error: string | null }> {
    const now = this.options.clock.now();
    const at = isoAt(now);
    // The receiver checks the timestamp's age against real latency, not simulated time.
    const signedAt = wireNow(this.options.clock);
    const url = this.url;
    if (url === undefined) return { at, status: null, error: 'no webhook URL configured' };
    const raw = JSON.stringify(body);
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'ElevenLabs-Signature': signElevenLabsPayload(
            raw,
            this.options.secret,
            Math.floor(signedAt / 1000),
          ),
          'user-agent': 'ElevenLabs-Webhooks (sandbox)',
        },
        body: raw,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      this.options.logger.debug({ type, conversationId, status: res.status }, 'sandbox webhook delivered');
      return { at, status: res.status, error: null };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.options.logger.warn(
        { type, conversationId, err: message },
        'sandbox webhook could not be delivered',
      );
      return { at, status: null, error: message };
    }
  }
}
