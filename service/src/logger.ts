import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/** Keeps the country code and the last two digits: enough to tell numbers apart in a log, not to dial them. */
export function maskPhone(value: string): string {
  const digits = value.replace(/[^\d+]/g, '');
  if (digits.length < 6) return '***';
  const head = digits.startsWith('+') ? digits.slice(0, 3) : digits.slice(0, 2);
  return `${head}${'*'.repeat(Math.max(3, digits.length - head.length - 2))}${digits.slice(-2)}`;
}

/** Keeps a short prefix so operators can tell which credential was used. */
export function maskSecret(value: string): string {
  return value.length <= 8 ? '[redacted]' : `${value.slice(0, 4)}…[redacted]`;
}

const PHONE_KEYS = new Set([
  'phone',
  'mobilephone',
  'to_number',
  'toNumber',
  'from_number',
  'fromNumber',
  'agent_number',
  'external_number',
  'To',
  'From',
  'Called',
  'Caller',
  'e164',
]);

// Paths are matched by pino's redaction (fast-redact); wildcards cover one level of nesting each.
const PHONE_PATHS = [...PHONE_KEYS].flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);
const SECRET_PATHS = [
  'req.headers.authorization',
  'req.headers["xi-api-key"]',
  'req.headers["elevenlabs-signature"]',
  'req.headers["x-hubspot-signature"]',
  'req.headers["x-hubspot-signature-v3"]',
  'req.headers.cookie',
  ...[
    'apiKey',
    'accessToken',
    'refreshToken',
    'access_token',
    'refresh_token',
    'token',
    'password',
    'secret',
  ].flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'fundraising' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [...PHONE_PATHS, ...SECRET_PATHS],
        censor: (value: unknown, path: string[]) => {
          const key = path[path.length - 1] ?? '';
          if (typeof value !== 'string') return '[redacted]';
          return PHONE_KEYS.has(key) ? maskPhone(value) : maskSecret(value);
        },
      },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}
