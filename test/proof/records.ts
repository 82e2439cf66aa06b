/**
 * What the full-loop proof checks, as plain data: the outside world's records (the fake ElevenLabs' dials, the
 * fake HubSpot's writes) and the run's inputs as the test defined them through the public API. The checker
 * (invariants.ts) reads only these, so it does not care how the run was driven (faults, kills, clock jumps).
 */

/** One dial as the fake ElevenLabs recorded it, with the campaign name the dial carried (its conversation). */
export interface ProofDial {
  readonly atMs: number;
  /** When the call freed its line; null while in flight. */
  readonly endedAtMs: number | null;
  readonly toNumber: string;
  readonly phoneNumberId: string;
  /** Our attempt id, sent as `user_id`. */
  readonly userId: string | null;
  readonly conversationId: string;
  /** The story the fake played: pledged, no_answer, opted_out, ... */
  readonly outcome: string;
  /**
   * `campaign_name` from the conversation's dynamic variables (GET /v1/convai/conversations/{id} at the fake):
   * the only campaign key the provider's side carries. Campaign names are unique within a run.
   */
  readonly campaignName: string | null;
}

/** A Calls engagement the fake HubSpot stored. */
export interface ProofEngagement {
  readonly portalId: number;
  readonly id: string;
  readonly contactIds: readonly string[];
  /** The idempotency key we send: our attempt id. */
  readonly objectWriteTraceId: string | null;
}

export interface ProofPropertyWrite {
  readonly portalId: number;
  readonly contactId: string;
  readonly properties: Readonly<Record<string, string | null>>;
}

export interface ProofCompletion {
  readonly portalId: number;
  readonly callbackId: string;
  /** The fake had already seen this callback completed. */
  readonly duplicate: boolean;
}

export interface ProofRequest {
  readonly portalId: number | null;
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

export interface RunRecords {
  readonly dials: readonly ProofDial[];
  readonly engagements: readonly ProofEngagement[];
  readonly propertyWrites: readonly ProofPropertyWrite[];
  readonly completions: readonly ProofCompletion[];
  readonly requests: readonly ProofRequest[];
}

export interface RetryRuleInput {
  readonly delayMinutes: number;
  readonly maxAttempts: number;
}

/** A campaign as the test created it through the signed API. */
export interface CampaignInput {
  readonly name: string;
  readonly portalId: number;
  readonly window: {
    /** ISO weekdays, 1 = Monday .. 7 = Sunday. */
    readonly days: readonly number[];
    readonly startMinute: number;
    readonly endMinute: number;
    readonly blackoutDates: readonly string[];
  };
  readonly concurrencyCap: number;
  readonly maxAttempts: number;
  readonly retryPolicy: Readonly<Partial<Record<string, RetryRuleInput>>>;
}

/** A contact of a portal, as the test knows it from the sandbox portal it set up. */
export interface PersonInput {
  readonly portalId: number;
  readonly contactId: string;
  /** E.164 when the CRM's phone is a valid number; otherwise what the CRM holds (or null). */
  readonly phone: string | null;
  /** Candidate IANA zones: HubSpot's zone when set, else those of the number's prefix. */
  readonly zones: readonly string[];
  readonly usState: string | null;
  readonly doNotCall: boolean;
  readonly noConsent: boolean;
  /** No callable number (missing, or not a phone number). */
  readonly invalid: boolean;
}

export interface EnrolmentInput {
  readonly portalId: number;
  readonly campaignName: string;
  readonly contactId: string;
  /** The callback HubSpot's workflow handed out for the execution. */
  readonly callbackId: string;
}

export interface RunInputs {
  readonly campaigns: readonly CampaignInput[];
  readonly people: readonly PersonInput[];
  readonly enrolments: readonly EnrolmentInput[];
  readonly accountCap: number;
  readonly frequencyCapPer24h: number;
  /** Every portal that took part (connected or installed); HubSpot must see requests for no other. */
  readonly portals: readonly number[];
  /**
   * How late a dial may reach the provider after the engine's last check of it, in simulated ms: a request's
   * real latency times the clock's speed. Applies only where lateness can make a correct check look wrong (a dial
   * just after a window closed, or matched to its property write); never to a dial before a window opens.
   */
  readonly dialLagMs: number;
}
