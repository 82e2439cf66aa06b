import { relative } from 'node:path';
import fc from 'fast-check';
import { expect } from 'vitest';

/**
 * The fuzz runner: sends each generated request, checks the answer (a 4xx, no stack trace, no secret, no phone
 * number, the API's error shape), and around each property run checks that the database is as it was and the
 * service still answers. A failure names fast-check's seed and path, so `FUZZ_SEED=… FUZZ_PATH=…` replays it.
 */

export interface FuzzRequest {
  /** What was done to the request, for the failure message (e.g. "PATCH /api/campaigns/:id: dailyCap → string"). */
  readonly label: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer;
  /** The statuses a correct service may answer; any 4xx when absent. */
  readonly expect?: readonly number[];
}

export interface FuzzAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

/** What no answer may contain. */
export interface LeakRules {
  readonly secrets: readonly string[];
  readonly secretPatterns: readonly RegExp[];
  /** Full phone numbers the service holds. */
  readonly phones: readonly string[];
}

export interface FuzzTarget {
  readonly rules: LeakRules;
  /** A snapshot of what bad input must never change: every table's row count, the jobs queued. */
  state(): Promise<unknown>;
  /** Throws unless the service still answers its health checks. */
  alive(): Promise<void>;
}

/** A request that hangs is a defect too; bounded generously for a loaded machine. */
const ANSWER_TIMEOUT_MS = 60_000;

export async function send(request: FuzzRequest): Promise<FuzzAnswer> {
  const hasBody = request.body !== undefined && request.method !== 'GET' && request.method !== 'HEAD';
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    redirect: 'manual',
    signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
    // A Uint8Array, so fetch adds no Content-Type of its own.
    ...(hasBody ? { body: new Uint8Array(request.body ?? Buffer.alloc(0)) } : {}),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    text: await response.text(),
  };
}

/** A stack frame, a source path of ours, or a Postgres error's own words: internals an answer must not show. */
const INTERNALS: readonly RegExp[] = [
  /\bat [^\s()]+ \([^()\n]*:\d+:\d+\)/,
  /\n\s+at [^\n]*:\d+:\d+/,
  /node_modules\//,
  /\/(?:service|shared)\/src\//,
  /\w*Error: [^\n]*\.(?:ts|js):\d+/,
  /invalid input syntax for|violates [\w-]+ constraint|syntax error at or near|out of range for type/i,
  /invalid byte sequence for encoding|unsupported Unicode escape sequence|stack depth limit exceeded/i,
];

/** An E.164 number; a match the request itself carried is an echo, not a leak. */
const PHONE = /\+\d{10,15}/g;

export function answerProblems(request: FuzzRequest, answer: FuzzAnswer, rules: LeakRules): string[] {
  const problems: string[] = [];
  const statusOk = request.expect
    ? request.expect.includes(answer.status)
    : answer.status >= 400 && answer.status <= 499;
  if (!statusOk) problems.push(`status ${answer.status} (expected ${request.expect?.join('/') ?? '4xx'})`);
  // What the request carried, as sent and as the service decodes it: an echo of it is not a leak.
  const sent = `${request.url} ${decodedUrl(request.url)} ${request.body?.toString('utf8') ?? ''}`;
  const text = answer.text;
  for (const pattern of INTERNALS) {
    const match = pattern.exec(text)?.[0];
    if (match !== undefined && !sent.includes(match))
      problems.push(`internals shown: ${match.slice(0, 120)}`);
  }
  for (const secret of rules.secrets) if (text.includes(secret)) problems.push('a secret in the body');
  for (const pattern of rules.secretPatterns)
    if (pattern.test(text)) problems.push(`a token in the body (${pattern})`);
  for (const phone of rules.phones)
    if (text.includes(phone)) problems.push(`phone number ${phone} in the body`);
  for (const match of text.match(PHONE) ?? [])
    if (!sent.includes(match)) problems.push(`a phone number in the body: ${match}`);
  if (/json/i.test(answer.contentType)) problems.push(...errorShapeProblems(answer));
  return problems;
}

function decodedUrl(url: string): string {
  try {
    return decodeURIComponent(url.replaceAll('+', ' '));
  } catch {
    return url;
  }
}

/** The API's error shape: {error: {code, message, field?}}; a 400 names the field at fault. */
function errorShapeProblems(answer: FuzzAnswer): string[] {
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return ['a JSON content type on a body that is not JSON'];
  }
  const error = (body as { error?: unknown } | null)?.error as Record<string, unknown> | undefined;
  if (answer.status < 400) return [];
  if (typeof error !== 'object' || error === null) return ['no {error: {...}} in the JSON error body'];
  const problems: string[] = [];
  if (typeof error.code !== 'string' || error.code === '') problems.push('error.code missing');
  if (typeof error.message !== 'string' || error.message === '') problems.push('error.message missing');
  if (answer.status === 400 && (typeof error.field !== 'string' || error.field === ''))
    problems.push('a 400 that names no field');
  return problems;
}

export interface FuzzFigures {
  readonly name: string;
  readonly inputs: number;
  readonly ms: number;
  /** How often each status was answered (shrinking included). */
  readonly statuses: Readonly<Record<string, number>>;
}

/**
 * Replays a failure: FUZZ_SEED and FUZZ_PATH (the counterexample itself) from its message, for the property named
 * FUZZ_PROPERTY (the others in the file run as usual).
 */
function replayParameters(name: string): { seed?: number; path?: string } {
  const property = process.env.FUZZ_PROPERTY;
  if (property !== undefined && property !== name) return {};
  const seed = process.env.FUZZ_SEED;
  const path = process.env.FUZZ_PATH;
  return {
    ...(seed === undefined || seed === '' ? {} : { seed: Number(seed) }),
    ...(path === undefined || path === '' ? {} : { path }),
  };
}

/**
 * One property: `numRuns` requests from `arbitrary`, each answered as FuzzRequest.expect says with nothing leaked;
 * then the database as it was and the service alive. Prints the figures.
 */
export async function fuzz(
  name: string,
  target: FuzzTarget,
  arbitrary: fc.Arbitrary<FuzzRequest>,
  numRuns: number,
): Promise<FuzzFigures> {
  const before = await target.state();
  const statuses: Record<string, number> = {};
  const started = performance.now();
  const details = await fc.check(
    fc.asyncProperty(arbitrary, async (request) => {
      const answer = await send(request);
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      const problems = answerProblems(request, answer, target.rules);
      if (problems.length > 0)
        throw new Error(`${problems.join('; ')}\n  answer: ${answer.status} ${clip(answer.text, 600)}`);
    }),
    { numRuns, ...replayParameters(name) },
  );
  const ms = performance.now() - started;
  if (details.failed) {
    const input = details.counterexample?.[0];
    const error =
      details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(
      [
        `fuzz "${name}" failed after ${details.numRuns} inputs (${details.numShrinks} shrinks): ${error}`,
        `  input: ${input ? describe(input) : 'none'}`,
        `  replay: ${replayCommand(name, details.seed, details.counterexamplePath)}`,
      ].join('\n'),
    );
  }
  expect({ property: name, state: await target.state() }).toEqual({ property: name, state: before });
  await target.alive();
  const figures = { name, inputs: details.numRuns, ms, statuses };
  console.info(
    `[fuzz] ${name}: ${figures.inputs} inputs in ${(ms / 1000).toFixed(1)} s; statuses ${JSON.stringify(statuses)}`,
  );
  return figures;
}

/** The command that runs this property again on the failing input (and only this test of its file). */
function replayCommand(name: string, seed: number, path: string | null): string {
  const { testPath, currentTestName } = expect.getState();
  const file = testPath === undefined ? 'test/fuzz' : relative(process.cwd(), testPath);
  const test = (currentTestName ?? '').split(' > ').pop() ?? '';
  const pattern = test.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replaceAll("'", '.');
  return `FUZZ_PROPERTY='${name}' FUZZ_SEED=${seed} FUZZ_PATH=${path ?? ''} npx vitest run ${file} -t '${pattern}'`;
}

function describe(request: FuzzRequest): string {
  const body =
    request.body === undefined ? '(none)' : clip(JSON.stringify(request.body.toString('latin1')), 400);
  // The ops login's password is the service's secret: a failure message must not print it either.
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([k, v]) => [
      k,
      k.toLowerCase() === 'authorization' ? '(redacted)' : v,
    ]),
  );
  return `${request.label}\n    ${request.method} ${clip(request.url, 400)}\n    headers ${clip(
    JSON.stringify(headers),
    400,
  )}\n    body (${request.body?.length ?? 0} bytes) ${body}`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}
