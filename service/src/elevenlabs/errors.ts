/**
 * Failures of ElevenLabs calls other than the dial (which returns a DialResult instead), and the helpers that
 * read ElevenLabs' error bodies and transport failures, shared by both paths.
 */

export type ElevenLabsFailure = 'http' | 'timeout' | 'network' | 'invalid-response';

export class ElevenLabsApiError extends Error {
  /** The HTTP status; null when no response arrived (timeout, network). */
  readonly status: number | null;
  readonly failure: ElevenLabsFailure;
  /** ElevenLabs' machine code where it sent one (`detail.status`, e.g. `invalid_api_key`). */
  readonly code: string | null;

  constructor(options: {
    status: number | null;
    failure: ElevenLabsFailure;
    message: string;
    code?: string | null;
    cause?: unknown;
  }) {
    super(options.message, { cause: options.cause });
    this.name = 'ElevenLabsApiError';
    this.status = options.status;
    this.failure = options.failure;
    this.code = options.code ?? null;
  }
}

const MAX_MESSAGE = 500;

function clip(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** FastAPI's 422 body: `{"detail":[{"loc":["body","agent_phone_number_id"],"msg":"Field required",…}]}`. */
function flattenValidationErrors(detail: unknown[]): string {
  return detail
    .map((item) => {
      if (!isRecord(item)) return String(item);
      const loc = Array.isArray(item.loc) ? item.loc.map(String).join('.') : '';
      const msg = typeof item.msg === 'string' ? item.msg : 'invalid';
      return loc === '' ? msg : `${loc}: ${msg}`;
    })
    .join('; ');
}

/**
 * The message and code of an ElevenLabs error body. Shapes seen: `{"detail":{"status":"<code>","message":"…"}}`,
 * the 422 list above, `{"detail":"…"}`, and plain text from a proxy.
 */
export function readApiError(body: unknown, status: number): { message: string; code: string | null } {
  const fallback = `HTTP ${status}`;
  if (typeof body === 'string')
    return { message: body.trim() === '' ? fallback : clip(body.trim()), code: null };
  if (!isRecord(body)) return { message: fallback, code: null };
  const detail = body.detail;
  if (Array.isArray(detail))
    return { message: clip(flattenValidationErrors(detail)) || fallback, code: null };
  if (typeof detail === 'string') return { message: clip(detail), code: null };
  if (isRecord(detail)) {
    const code =
      typeof detail.status === 'string'
        ? detail.status
        : typeof detail.code === 'string'
          ? detail.code
          : null;
    const message = typeof detail.message === 'string' ? detail.message : (code ?? fallback);
    return { message: clip(message), code };
  }
  if (typeof body.message === 'string') return { message: clip(body.message), code: null };
  return { message: fallback, code: null };
}

/**
 * What stopped a request that got no response. The SDK aborts its own timer with the reason string 'timeout',
 * and Node's fetch rejects with that reason as is (not an AbortError), so both forms are recognised.
 */
export function transportFailure(error: unknown): { failure: 'timeout' | 'network'; detail: string } {
  if (error === 'timeout') return { failure: 'timeout', detail: 'timeout' };
  if (error instanceof Error) {
    if (error.name === 'AbortError' || error.name === 'TimeoutError' || error.cause === 'timeout') {
      return { failure: 'timeout', detail: 'timeout' };
    }
    return { failure: 'network', detail: describeCauses(error) };
  }
  return { failure: 'network', detail: String(error) };
}

/** "fetch failed (connect ECONNREFUSED 127.0.0.1:1)": undici hides the useful part in `cause`. */
export function describeCauses(error: Error): string {
  const parts = [error.message];
  let cause: unknown = error.cause;
  for (let depth = 0; depth < 3 && cause instanceof Error; depth += 1) {
    parts.push(cause.message);
    cause = cause.cause;
  }
  const [first, ...rest] = parts.filter((p) => p !== '');
  return rest.length > 0 ? `${first} (${rest.join(': ')})` : (first ?? 'unknown error');
}
