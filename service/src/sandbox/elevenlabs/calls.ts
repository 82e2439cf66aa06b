import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { type Logger, maskPhone } from '../../logger.js';
import { intBetween, randomFor } from '../deterministic.js';
import { isoAt, type SandboxClock } from '../http-server.js';
import type { SandboxAgent, SandboxPhoneNumber } from './catalog.js';
import { type FaultState, faultFires, type LogFault } from './faults.js';
import { chooseOutcome, initiationFailureOf, type SandboxOutcome } from './outcomes.js';
import type { WebhookSender } from './webhooks.js';
import { type SandboxCall, storyOf, webhookFor } from './wire.js';

/**
 * Plays calls out: initiated → in-progress → processing → done (or initiated → failed), over the story's
 * simulated seconds × timeScale, then sends the webhook. Tracks what is in flight for the concurrency limit.
 */

export interface DialInput {
  readonly endpoint: 'twilio' | 'sip_trunk';
  readonly agent: SandboxAgent;
  readonly phone: SandboxPhoneNumber;
  readonly toNumber: string;
  readonly clientData: Readonly<Record<string, unknown>>;
  readonly ringingTimeoutSecs: number | null;
}

export interface DialRecord {
  readonly at: string;
  readonly atMs: number;
  readonly endpoint: 'twilio' | 'sip_trunk';
  readonly toNumber: string;
  readonly agentId: string;
  readonly phoneNumberId: string;
  readonly userId: string | null;
  readonly conversationId: string;
  readonly callSid: string;
  readonly outcome: SandboxOutcome;
  /** 0 for the first dial of this number in this run, 1 for the redial, … */
  readonly dialIndex: number;
  /** What the dial was answered with: 200, or the 5xx of a serverErrorAfterPlacing fault. */
  readonly responseStatus: number;
  readonly faults: readonly string[];
  /**
   * When the call ended (the line freed), null while in flight: with `atMs`, the interval the call held one of
   * the provider's lines, from which a test computes the calls in flight at any instant.
   */
  endedAt: string | null;
  endedAtMs: number | null;
}

export interface PlacedDial {
  readonly call: SandboxCall;
  readonly record: DialRecord;
  readonly webhookFirst: boolean;
}

export interface CallSimulatorOptions {
  readonly seed: number;
  readonly timeScale: number;
  readonly clock: SandboxClock;
  readonly logger: Logger;
  readonly sender: WebhookSender;
  readonly faults: FaultState;
  readonly dials: DialRecord[];
  readonly logFault: LogFault;
}

const lowerAlnum = (bytes: number) =>
  [...randomBytes(bytes)].map((b) => '0123456789abcdefghijklmnopqrstuvwxyz'[b % 36]).join('');

export class CallSimulator {
  /** In placement order: conversation listing pages through it newest first, by index. */
  readonly calls: SandboxCall[] = [];
  private readonly byId = new Map<string, SandboxCall>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly records = new Map<string, DialRecord>();
  private readonly dialCounts = new Map<string, number>();
  private readonly scripts = new Map<string, SandboxOutcome[]>();
  private readonly listeners = new Set<() => void>();
  private deliveries = new Set<Promise<void>>();
  /** Cuts short every webhook held back by a delay or reorder fault when the fake stops. */
  private readonly holds = new AbortController();
  inFlight = 0;
  maxInFlight = 0;

  constructor(private readonly options: CallSimulatorOptions) {
    options.sender.subscribe(() => this.notify());
  }

  get(conversationId: string): SandboxCall | undefined {
    return this.byId.get(conversationId);
  }

  /** The outcomes given are used for this number's next dials in order; the last one then repeats. */
  script(toNumber: string, outcomes: readonly SandboxOutcome[]): void {
    if (outcomes.length === 0) this.scripts.delete(toNumber);
    else this.scripts.set(toNumber, [...outcomes]);
  }

  clearScripts(): void {
    this.scripts.clear();
  }

  private nextOutcome(toNumber: string, dialIndex: number): SandboxOutcome {
    const queue = this.scripts.get(toNumber);
    if (queue?.[0] !== undefined) return queue.length > 1 ? (queue.shift() ?? queue[0]) : queue[0];
    return chooseOutcome(this.options.seed, toNumber, dialIndex);
  }

  place(input: DialInput): PlacedDial {
    const { seed, clock, faults } = this.options;
    const now = clock.now();
    const dialIndex = this.dialCounts.get(input.toNumber) ?? 0;
    this.dialCounts.set(input.toNumber, dialIndex + 1);
    const outcome = this.nextOutcome(input.toNumber, dialIndex);
    const occasion = `${input.toNumber}#${dialIndex}`;
    const rawVars = input.clientData.dynamic_variables;
    const dynamicVariables =
      typeof rawVars === 'object' && rawVars !== null ? (rawVars as Record<string, unknown>) : {};
    const userId = typeof input.clientData.user_id === 'string' ? input.clientData.user_id : null;
    const call: SandboxCall = {
      conversationId: `conv_${lowerAlnum(26)}`,
      callSid: input.endpoint === 'twilio' ? `CA${randomBytes(16).toString('hex')}` : randomUUID(),
      streamSid: `MZ${randomBytes(16).toString('hex')}`,
      provider: input.endpoint,
      agent: input.agent,
      phone: input.phone,
      toNumber: input.toNumber,
      userId,
      clientData: input.clientData,
      dynamicVariables,
      dialIndex,
      placedAtMs: now,
      outcome,
      storyContext: {
        seed,
        toNumber: input.toNumber,
        dialIndex,
        dynamicVariables,
        ringingTimeoutSecs: input.ringingTimeoutSecs,
        nowMs: now,
      },
      status: 'initiated',
    };
    const webhookFirst = faultFires(faults, 'webhookBeforeDialResponse', seed, occasion);
    const serverError = faultFires(faults, 'serverErrorAfterPlacing', seed, occasion);
    const firedFaults = [
      ...(webhookFirst ? ['webhookBeforeDialResponse'] : []),
      ...(serverError ? ['serverErrorAfterPlacing'] : []),
    ];
    if (webhookFirst) this.options.logFault('webhookBeforeDialResponse', input.toNumber);
    if (serverError)
      this.options.logFault('serverErrorAfterPlacing', input.toNumber, { status: faults.serverErrorStatus });
    const record: DialRecord = {
      at: isoAt(now),
      atMs: now,
      endpoint: input.endpoint,
      toNumber: input.toNumber,
      agentId: input.agent.agentId,
      phoneNumberId: input.phone.phoneNumberId,
      userId,
      conversationId: call.conversationId,
      callSid: call.callSid,
      outcome,
      dialIndex,
      responseStatus: serverError ? faults.serverErrorStatus : 200,
      faults: firedFaults,
      endedAt: null,
      endedAtMs: null,
    };
    this.calls.push(call);
    this.byId.set(call.conversationId, call);
    this.options.dials.push(record);
    this.records.set(call.conversationId, record);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.options.logger.info(
      { conversationId: call.conversationId, to: maskPhone(call.toNumber), outcome, faults: firedFaults },
      'sandbox call placed',
    );
    if (!webhookFirst) this.playOut(call);
    return { call, record, webhookFirst };
  }

  private after(call: SandboxCall, simulatedSecs: number, step: () => void): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(call.conversationId);
        step();
      },
      simulatedSecs * this.options.timeScale * 1000,
    );
    this.timers.set(call.conversationId, timer);
  }

  private playOut(call: SandboxCall): void {
    const story = storyOf(call);
    if (initiationFailureOf(call.outcome) !== null) {
      this.after(call, story.ringSecs, () => void this.finish(call));
      return;
    }
    const processingSecs = intBetween(randomFor(this.options.seed, 'processing', call.conversationId), 3, 8);
    this.after(call, story.ringSecs, () => {
      call.status = 'in-progress';
      this.after(call, story.talkSecs, () => {
        call.status = 'processing';
        this.after(call, processingSecs, () => void this.finish(call));
      });
    });
  }

  /** Ends the call now (whatever its stage), frees its slot and sends its webhook; resolves once delivered. */
  finish(call: SandboxCall): Promise<void> {
    if (call.status === 'done' || call.status === 'failed') return Promise.resolve();
    const timer = this.timers.get(call.conversationId);
    if (timer) clearTimeout(timer);
    this.timers.delete(call.conversationId);
    call.status = initiationFailureOf(call.outcome) === null ? 'done' : 'failed';
    this.inFlight -= 1;
    const record = this.records.get(call.conversationId);
    if (record) {
      record.endedAtMs = this.options.clock.now();
      record.endedAt = isoAt(record.endedAtMs);
    }
    const delivery = this.deliver(call);
    this.deliveries.add(delivery);
    void delivery.finally(() => {
      this.deliveries.delete(delivery);
      this.notify();
    });
    this.notify();
    return delivery;
  }

  private async deliver(call: SandboxCall): Promise<void> {
    const { sender, faults, seed, clock, logFault } = this.options;
    const occasion = `${call.toNumber}#${call.dialIndex}`;
    const id = call.conversationId;
    const { type, body } = webhookFor(call, clock.now());
    if (faultFires(faults, 'dropWebhook', seed, occasion)) {
      logFault('dropWebhook', id);
      sender.recordDropped(type, id);
      return;
    }
    let fault: 'delayWebhook' | 'reorderWebhook' | null = null;
    if (faultFires(faults, 'delayWebhook', seed, occasion)) {
      fault = 'delayWebhook';
      logFault(fault, id);
      await this.hold(faults.webhookDelayMs);
    } else if (faultFires(faults, 'reorderWebhook', seed, occasion)) {
      fault = 'reorderWebhook';
      logFault(fault, id);
      await this.untilAnotherDelivery(faults.reorderMaxHoldMs);
    }
    if (this.holds.signal.aborted) return;
    await sender.send(type, id, body, 1, fault);
    if (faultFires(faults, 'duplicateWebhook', seed, occasion)) {
      logFault('duplicateWebhook', id);
      await this.hold(faults.duplicateDelayMs);
      if (!this.holds.signal.aborted) await sender.send(type, id, body, 2, 'duplicateWebhook');
    }
  }

  private async hold(ms: number): Promise<void> {
    if (ms > 0) await delay(ms, undefined, { signal: this.holds.signal }).catch(() => undefined);
  }

  /** Resolves once some other webhook has been delivered, or after `maxMs`. */
  private untilAnotherDelivery(maxMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        unsubscribe();
        clearTimeout(timer);
        this.holds.signal.removeEventListener('abort', done);
        resolve();
      };
      const unsubscribe = this.options.sender.subscribe(done);
      const timer = setTimeout(done, maxMs);
      this.holds.signal.addEventListener('abort', done);
    });
  }

  /** Fast-forwards every call in flight to its end; resolves when their webhooks are delivered. */
  async settleAll(): Promise<void> {
    const open = this.calls.filter((c) => c.status !== 'done' && c.status !== 'failed');
    await Promise.all(open.map((c) => this.finish(c)));
  }

  /** Resolves once no call is in flight and no webhook is on its way. */
  idle(): Promise<void> {
    const quiet = () =>
      this.inFlight === 0 && this.deliveries.size === 0 && this.options.sender.inProgress === 0;
    if (quiet()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (!quiet()) return;
        this.listeners.delete(check);
        resolve();
      };
      this.listeners.add(check);
    });
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  stop(): void {
    this.holds.abort();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
