import path from 'node:path';
import type { z } from 'zod';
import { type VariableName, variables } from './variables.js';

export type ServiceRole = 'all' | 'web' | 'worker';

export interface Config {
  readonly port: number;
  /** Where HTTP listens: HOST, else loopback in sandbox mode, else every interface (undefined). */
  readonly host: string | undefined;
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Explicit PUBLIC_URL; when unset the service derives it from the port it actually listens on. */
  readonly publicUrl: string | undefined;
  readonly role: ServiceRole;
  readonly shutdownTimeoutMs: number;
  readonly sandbox: boolean;
  /** Sandbox mode: the shared fakes another process serves (SANDBOX_FAKES_URL); undefined starts our own. */
  readonly sandboxFakesUrl: string | undefined;
  /**
   * Sandbox mode, on the process that starts the fakes: the accelerated clock (SANDBOX_CLOCK_*); undefined runs
   * on real time. `startMs` undefined starts from the real time at start-up; `speed` undefined is 1 (and calls
   * keep the fakes' own time scale).
   */
  readonly sandboxClock:
    | { readonly startMs: number | undefined; readonly speed: number | undefined; readonly hold: boolean }
    | undefined;
  readonly elevenlabs: {
    readonly apiKey: string | undefined;
    readonly baseUrl: string;
    readonly webhookSecret: string | undefined;
  };
  readonly hubspot: {
    readonly clientId: string | undefined;
    readonly clientSecret: string | undefined;
    readonly accessToken: string | undefined;
    /** The portal of the private app's token (set whenever accessToken is). */
    readonly portalId: number | undefined;
    readonly baseUrl: string;
  };
  readonly tokenEncryptionKey: string | undefined;
  readonly engine: {
    readonly accountConcurrencyCap: number;
    readonly frequencyCapPer24h: number;
    readonly dispatchIntervalMs: number;
    readonly dialCheckMaxAgeMs: number;
    readonly maxCallDurationSecs: number;
  };
  readonly ops: { readonly user: string | undefined; readonly password: string | undefined };
  /** /metrics without login on 127.0.0.1 at this port, when set. */
  readonly metricsPort: number | undefined;
  /** DIALLING_STOPPED: stop all dialling at start-up. */
  readonly diallingStopped: boolean;
}

/** A configuration problem, reported as one line that names the variable and what was expected. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    expected: string,
  ) {
    super(`Invalid configuration: ${variable}: ${expected}`);
    this.name = 'ConfigError';
  }
}

type Parsed = { [K in VariableName]: z.output<(typeof variables)[K]['schema']> };

function parseVariables(env: Record<string, string | undefined>): Parsed {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(variables)) {
    // An empty value means "unset": shells and compose files often export VAR= for optional settings.
    const raw = env[name] === '' ? undefined : env[name];
    const result = spec.schema.safeParse(raw);
    if (!result.success) {
      const message = result.error.issues[0]?.message ?? 'invalid value';
      const shown = 'secret' in spec && spec.secret ? '' : raw === undefined ? '' : ` (got "${raw}")`;
      throw new ConfigError(name, `${message}${shown}`);
    }
    out[name] = result.data;
  }
  return out as Parsed;
}

/**
 * Parses the environment into a frozen, typed config. This is the only place that reads environment
 * variables; everything else receives the Config object.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const v = parseVariables(env);

  if ((v.OPS_USER === undefined) !== (v.OPS_PASSWORD === undefined)) {
    throw new ConfigError(
      v.OPS_USER === undefined ? 'OPS_USER' : 'OPS_PASSWORD',
      'OPS_USER and OPS_PASSWORD must be set together',
    );
  }

  const hasRealCredentials =
    v.ELEVENLABS_API_KEY !== undefined ||
    v.HUBSPOT_ACCESS_TOKEN !== undefined ||
    v.HUBSPOT_CLIENT_ID !== undefined;
  const sandbox = v.SANDBOX ?? !hasRealCredentials;
  if (sandbox) {
    // A sandbox must never reach a real donor or a real CRM.
    if (v.ELEVENLABS_API_KEY !== undefined) {
      throw new ConfigError(
        'ELEVENLABS_API_KEY',
        'must be unset when SANDBOX=true (a sandbox never dials real numbers)',
      );
    }
    if (v.HUBSPOT_ACCESS_TOKEN !== undefined) {
      throw new ConfigError(
        'HUBSPOT_ACCESS_TOKEN',
        'must be unset when SANDBOX=true (a sandbox never writes to a real CRM)',
      );
    }
  } else {
    requireOutsideSandbox(v);
    if (v.SANDBOX_FAKES_URL !== undefined)
      throw new ConfigError('SANDBOX_FAKES_URL', 'only in sandbox mode (real accounts are configured)');
  }
  const sandboxClock = sandboxClockOf(v, sandbox);

  const config: Config = {
    port: v.PORT,
    // The sandbox's pages steer its fakes (faults, settle): never reachable from another machine by default.
    host: v.HOST ?? (sandbox ? '127.0.0.1' : undefined),
    databaseUrl: v.DATABASE_URL,
    dataDir: path.resolve(v.DATA_DIR),
    logLevel: v.LOG_LEVEL,
    publicUrl: v.PUBLIC_URL,
    role: v.SERVICE_ROLE,
    shutdownTimeoutMs: v.SHUTDOWN_TIMEOUT_SECONDS * 1000,
    sandbox,
    sandboxFakesUrl: v.SANDBOX_FAKES_URL,
    sandboxClock,
    elevenlabs: {
      apiKey: v.ELEVENLABS_API_KEY,
      baseUrl: v.ELEVENLABS_BASE_URL,
      webhookSecret: v.ELEVENLABS_WEBHOOK_SECRET,
    },
    hubspot: {
      clientId: v.HUBSPOT_CLIENT_ID,
      clientSecret: v.HUBSPOT_CLIENT_SECRET,
      accessToken: v.HUBSPOT_ACCESS_TOKEN,
      portalId: v.HUBSPOT_PORTAL_ID,
      baseUrl: v.HUBSPOT_BASE_URL,
    },
    tokenEncryptionKey: v.TOKEN_ENCRYPTION_KEY,
    engine: engineOf(v),
    ops: { user: v.OPS_USER, password: v.OPS_PASSWORD },
    metricsPort: v.METRICS_PORT,
    diallingStopped: v.DIALLING_STOPPED ?? false,
  };
  return deepFreeze(config);
}

const CLOCK_VARIABLES = ['SANDBOX_CLOCK_START', 'SANDBOX_CLOCK_SPEED', 'SANDBOX_CLOCK_HOLD'] as const;

/** The sandbox's accelerated clock: never outside the sandbox, and only where the fakes are started. */
function sandboxClockOf(v: Parsed, sandbox: boolean): Config['sandboxClock'] {
  const given = CLOCK_VARIABLES.find((name) => v[name] !== undefined);
  if (given === undefined) return undefined;
  // A production engine on a fake clock would call people at the wrong hours.
  if (!sandbox) throw new ConfigError(given, 'only in sandbox mode (real accounts are configured)');
  if (v.SANDBOX_FAKES_URL !== undefined)
    throw new ConfigError(given, 'set it on the process serving SANDBOX_FAKES_URL: its clock is shared');
  return {
    startMs: v.SANDBOX_CLOCK_START,
    speed: v.SANDBOX_CLOCK_SPEED,
    hold: v.SANDBOX_CLOCK_HOLD ?? false,
  };
}

function engineOf(v: Parsed): Config['engine'] {
  return {
    accountConcurrencyCap: v.ACCOUNT_CONCURRENCY_CAP,
    frequencyCapPer24h: v.FREQUENCY_CAP_PER_24H,
    dispatchIntervalMs: v.DISPATCH_INTERVAL_MS,
    dialCheckMaxAgeMs: v.DIAL_CHECK_MAX_AGE_SECONDS * 1000,
    maxCallDurationSecs: v.CALL_MAX_DURATION_SECONDS,
  };
}

/** The engine settings with every variable unset: the defaults declared in variables.ts, in one place. */
export function defaultEngineConfig(): Config['engine'] {
  return engineOf(parseVariables({}));
}

/** Outside the sandbox the service talks to real systems, so their credentials must all be there. */
function requireOutsideSandbox(v: Parsed): void {
  const hint = 'required outside sandbox mode (or set SANDBOX=true)';
  if (v.ELEVENLABS_API_KEY === undefined) throw new ConfigError('ELEVENLABS_API_KEY', hint);
  if (v.ELEVENLABS_WEBHOOK_SECRET === undefined) throw new ConfigError('ELEVENLABS_WEBHOOK_SECRET', hint);
  if (v.HUBSPOT_ACCESS_TOKEN === undefined && v.HUBSPOT_CLIENT_ID === undefined) {
    throw new ConfigError(
      'HUBSPOT_ACCESS_TOKEN',
      `${hint}: a private-app token, or HUBSPOT_CLIENT_ID for OAuth`,
    );
  }
  if (v.HUBSPOT_ACCESS_TOKEN !== undefined && v.HUBSPOT_PORTAL_ID === undefined)
    throw new ConfigError(
      'HUBSPOT_PORTAL_ID',
      "required with HUBSPOT_ACCESS_TOKEN (the token's HubSpot account)",
    );
  if (v.HUBSPOT_CLIENT_ID !== undefined) {
    if (v.HUBSPOT_CLIENT_SECRET === undefined)
      throw new ConfigError('HUBSPOT_CLIENT_SECRET', 'required with HUBSPOT_CLIENT_ID');
    if (v.TOKEN_ENCRYPTION_KEY === undefined)
      throw new ConfigError(
        'TOKEN_ENCRYPTION_KEY',
        'required with HUBSPOT_CLIENT_ID (OAuth tokens are stored encrypted)',
      );
  }
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (child !== null && typeof child === 'object') deepFreeze(child);
  }
  return Object.freeze(value);
}

/** The README's configuration table, generated from the declarations. */
export function configurationTable(): string {
  const rows = Object.entries(variables).map(
    ([name, spec]) => `| \`${name}\` | ${spec.default} | ${spec.doc.replace(/\|/g, '\\|')} |`,
  );
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}
