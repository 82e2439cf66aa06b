import { z } from 'zod';

/**
 * Every environment variable the service reads, declared once with its schema, its default and its meaning.
 * The README's configuration table is generated from this list (`npm run config:doc`) and a test checks that
 * the README and this list agree, so the documentation cannot drift from the code.
 */
export interface VariableSpec {
  readonly schema: z.ZodType;
  /** What the default is, in words, for the README (the schema holds the real default). */
  readonly default: string;
  readonly doc: string;
  /** Secrets are never echoed back in error messages or logs. */
  readonly secret?: boolean;
}

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const httpUrl = z
  .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
  .transform((u) => u.replace(/\/+$/, ''));

const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, { error: 'expected a postgres:// connection string' });

const encryptionKey = z
  .string()
  .refine((v) => /^[0-9a-fA-F]{64}$/.test(v) || Buffer.from(v, 'base64').length === 32, {
    error: 'expected 32 bytes as 64 hex characters or base64',
  });

export const variables = {
  PORT: {
    schema: z.coerce
      .number({ error: 'expected a port number' })
      .int({ error: 'expected a whole number' })
      .min(0, { error: 'expected 0-65535' })
      .max(65535, { error: 'expected 0-65535' })
      .default(3000),
    default: '3000',
    doc: 'HTTP port of the API, webhooks and probes. 0 picks a free port.',
  },
  HOST: {
    schema: z
      .string()
      .regex(/^[0-9A-Za-z.:-]+$/, { error: 'expected an IP address or host name' })
      .optional(),
    default: 'all interfaces; `127.0.0.1` in sandbox mode',
    doc: 'Address the HTTP server binds to. Sandbox mode binds to loopback unless this says otherwise: its `/__sandbox` pages steer the fakes.',
  },
  DATABASE_URL: {
    schema: postgresUrl.optional(),
    default: 'unset: embedded Postgres in `.data/postgres`',
    doc: 'Postgres connection string. When unset, an embedded Postgres is started on a free loopback port and stopped on exit.',
    secret: true,
  },
  DATA_DIR: {
    schema: z.string().min(1).default('.data'),
    default: '`.data`',
    doc: "Folder for local state: the embedded Postgres cluster and its generated password, and in sandbox mode the generated key of installed portals' tokens.",
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    default: '`info`',
    doc: 'pino log level: fatal, error, warn, info, debug, trace or silent.',
  },
  PUBLIC_URL: {
    schema: httpUrl.optional(),
    default: '`http://localhost:$PORT`',
    doc: 'The URL HubSpot and ElevenLabs reach this service at (webhooks, workflow actions, signature checks).',
  },
  SERVICE_ROLE: {
    schema: z.enum(['all', 'web', 'worker']).default('all'),
    default: '`all`',
    doc: '`web` serves HTTP only, `worker` runs jobs only, `all` does both in one process.',
  },
  SHUTDOWN_TIMEOUT_SECONDS: {
    schema: z.coerce.number().min(1).max(120).default(8),
    default: '8',
    doc: 'How long running jobs get to finish after SIGTERM/SIGINT before they are abandoned to retry.',
  },
  ELEVENLABS_API_KEY: {
    schema: z.string().min(1).optional(),
    default: 'unset (sandbox)',
    doc: 'ElevenLabs API key (`xi-api-key`). Unset together with the HubSpot credentials: sandbox mode.',
    secret: true,
  },
  ELEVENLABS_BASE_URL: {
    schema: httpUrl.default('https://api.elevenlabs.io'),
    default: '`https://api.elevenlabs.io`',
    doc: 'ElevenLabs API base URL (e.g. a data-residency host).',
  },
  ELEVENLABS_WEBHOOK_SECRET: {
    schema: z.string().min(1).optional(),
    default: 'unset (generated in sandbox)',
    doc: 'HMAC secret of the ElevenLabs post-call webhook (`ElevenLabs-Signature`).',
    secret: true,
  },
  ACCOUNT_CONCURRENCY_CAP: {
    schema: z.coerce.number().int().min(1).max(1000).default(10),
    default: '10',
    doc: "Calls in flight at once across every campaign sharing the ElevenLabs account: your plan's limit minus what you keep for inbound calls.",
  },
  CALL_MAX_DURATION_SECONDS: {
    schema: z.coerce.number().int().min(30).max(7200).default(600),
    default: '600',
    doc:
      "The longest your agents' calls may last (ElevenLabs' default maximum conversation duration is 600). A placed " +
      'call with no outcome is looked up at ElevenLabs every minute; one still reported running 30 minutes past its ' +
      'ring timeout + this is ended as failed.',
  },
  FREQUENCY_CAP_PER_24H: {
    schema: z.coerce.number().int().min(1).max(20).default(3),
    default: '3',
    doc: 'Dials to one number per rolling 24 hours across all campaigns of a portal (Florida allows 3).',
  },
  DISPATCH_INTERVAL_MS: {
    schema: z.coerce.number().int().min(100).max(60_000).default(1000),
    default: '1000',
    doc: 'How often the dispatcher looks for due contacts and free call slots, and for placed calls due a look at ElevenLabs.',
  },
  DIAL_CHECK_MAX_AGE_SECONDS: {
    schema: z.coerce.number().int().min(0).max(900).default(60),
    default: '60',
    doc:
      "How old a batched HubSpot read of a contact's do-not-call and consent may be when its dial relies on it " +
      '(contacts due next are read 100 per request). 0 reads each contact at the moment of its dial: freshest, ' +
      'but one HubSpot request per dial. Opt-outs recorded by this service are always checked at dial time.',
  },
  HUBSPOT_CLIENT_ID: {
    schema: z.string().min(1).optional(),
    default: 'unset',
    doc: 'OAuth client id of the HubSpot app (multi-portal installs).',
  },
  HUBSPOT_CLIENT_SECRET: {
    schema: z.string().min(1).optional(),
    default: 'unset (generated in sandbox)',
    doc: 'HubSpot app client secret: OAuth code exchange and request-signature (v3/v2) verification.',
    secret: true,
  },
  HUBSPOT_ACCESS_TOKEN: {
    schema: z.string().min(1).optional(),
    default: 'unset',
    doc: "A private app's static token, for a single organisation instead of OAuth installs.",
    secret: true,
  },
  HUBSPOT_PORTAL_ID: {
    schema: z
      .string()
      .regex(/^[1-9]\d{0,15}$/, { error: 'expected a HubSpot portal (account) id' })
      .transform(Number)
      .optional(),
    default: 'unset (required with `HUBSPOT_ACCESS_TOKEN`)',
    doc: "The HubSpot account the private app's token belongs to: the one portal a single-organisation setup serves.",
  },
  HUBSPOT_BASE_URL: {
    schema: httpUrl.default('https://api.hubapi.com'),
    default: '`https://api.hubapi.com`',
    doc: 'HubSpot API base URL.',
  },
  TOKEN_ENCRYPTION_KEY: {
    schema: encryptionKey.optional(),
    default: 'unset (required with OAuth; generated under `DATA_DIR` in sandbox)',
    doc: 'Key that encrypts stored HubSpot OAuth tokens at rest: 32 bytes, hex or base64. Keep it: tokens stored under another key cannot be decrypted, and their portals must install again.',
    secret: true,
  },
  OPS_USER: {
    schema: z.string().min(1).optional(),
    default: 'unset',
    doc: 'Basic-auth user for the ops pages (`/ops/*`) and `/metrics`. Set with OPS_PASSWORD.',
  },
  OPS_PASSWORD: {
    schema: z.string().min(8, { error: 'expected at least 8 characters' }).optional(),
    default: 'unset',
    doc: 'Basic-auth password for the ops pages and `/metrics`. Without both: off (404) outside sandbox mode; in sandbox mode a password for user `ops` is generated and printed at start-up.',
    secret: true,
  },
  METRICS_PORT: {
    schema: z.coerce
      .number({ error: 'expected a port number' })
      .int({ error: 'expected a whole number' })
      .min(0, { error: 'expected 0-65535' })
      .max(65535, { error: 'expected 0-65535' })
      .optional(),
    default: 'unset',
    doc: 'When set, `/metrics` is also served without login on 127.0.0.1 at this port (also by `worker` processes, which serve no other HTTP). 0 picks a free port.',
  },
  DIALLING_STOPPED: {
    schema: booleanString.optional(),
    default: '`false`',
    doc: 'true: stop all dialling at start-up (every process; calls going on finish). Unset or false lifts only a stop this variable made; a stop set at run time (`PUT /ops/dialling`) holds across restarts until lifted there.',
  },
  SANDBOX: {
    schema: booleanString.optional(),
    default: 'auto',
    doc: 'true: run against local fakes of ElevenLabs and HubSpot. Unset: sandbox when no ElevenLabs key and no HubSpot credentials are configured. Refuses real credentials.',
  },
  SANDBOX_FAKES_URL: {
    schema: httpUrl.optional(),
    default: 'unset: the process starts its own fakes',
    doc:
      'Sandbox mode with several processes: use the fakes another process on this machine serves (`npm run sandbox:fakes`, ' +
      'or a sandbox `web`/`all` process started without this), e.g. `http://127.0.0.1:3100`, instead of starting ' +
      "this process's own, so every process dials the same fake ElevenLabs and writes to the same fake HubSpot. " +
      'Secrets, time scale and the demo portal come from its `/__sandbox/fakes`.',
  },
  SANDBOX_CLOCK_START: {
    schema: z.iso
      .datetime({ offset: true, error: 'expected an ISO 8601 instant, e.g. 2027-03-14T05:30:00Z' })
      .transform((v) => Date.parse(v))
      .optional(),
    default: 'unset: the real time',
    doc:
      'Sandbox only: the simulated instant the sandbox clock starts from (the engine and both fakes run on it). ' +
      'Set on the process that starts the fakes (`npm run sandbox:fakes`, or a process without `SANDBOX_FAKES_URL`); ' +
      'processes sharing the fakes take the clock from them.',
  },
  SANDBOX_CLOCK_SPEED: {
    schema: z.coerce
      .number({ error: 'expected a number' })
      .min(1, { error: 'expected 1 to 10000' })
      .max(10_000, { error: 'expected 1 to 10000' })
      .optional(),
    default: '1',
    doc:
      'Sandbox only: simulated seconds per real second (1000 plays a 13-hour calling day in 47 s). Calls then last ' +
      'their simulated length on this clock unless `SANDBOX_TIME_SCALE` is set; signatures and token lifetimes stay ' +
      'in real time. Same process as `SANDBOX_CLOCK_START`.',
  },
  SANDBOX_CLOCK_HOLD: {
    schema: booleanString.optional(),
    default: '`false`',
    doc:
      'Sandbox only: true holds the sandbox clock at `SANDBOX_CLOCK_START` until `POST /__sandbox/fakes/clock/run`, so ' +
      'portals can be installed and campaigns launched before the simulated day begins. Same process as ' +
      '`SANDBOX_CLOCK_START`.',
  },
} as const satisfies Record<string, VariableSpec>;

export type VariableName = keyof typeof variables;
