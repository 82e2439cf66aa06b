import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { createHttpApp } from '../../src/http/app.js';
import { createLogger } from '../../src/logger.js';
import { type OpsCredentials, opsRoutes, resolveOpsCredentials } from '../../src/ops/index.js';

const silent = createLogger('silent');
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Serves the ops routes (with one extra router mounted behind the login) on a free loopback port. */
async function serve(credentials: OpsCredentials | null, now: () => number) {
  const extra = Router();
  extra.get('/safety', (_req, res) => {
    res.json({ paused: false });
  });
  const app = createHttpApp({
    logger: silent,
    readiness: [],
    routers: [opsRoutes({ credentials, routers: [extra], logger: silent, auth: { now, freeFailures: 3 } })],
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    get: (path: string, authorization?: string) =>
      fetch(`${url}${path}`, authorization ? { headers: { authorization } } : {}),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('ops login', () => {
  let clock = 1_000_000;
  let ops: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    ops = await serve({ user: 'admin', password: 'correct horse', generated: false }, () => clock);
  });
  afterAll(() => ops.close());

  it('asks for basic credentials without any, and refuses wrong ones, with the ops realm', async () => {
    for (const authorization of [
      undefined,
      basic('admin', 'wrong'),
      basic('root', 'correct horse'),
      'Bearer x',
    ]) {
      const res = await ops.get('/ops/safety', authorization);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="ops"/);
      expect((await res.json()) as unknown).toMatchObject({ error: { code: 'unauthorized' } });
    }
    // the wrong tries above came from this address: clear them with a success before the next test
    expect((await ops.get('/ops/safety', basic('admin', 'correct horse'))).status).toBe(200);
  });

  it('lets the right credentials through to routes mounted behind it', async () => {
    const res = await ops.get('/ops/safety', basic('admin', 'correct horse'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ paused: false });
    expect((await ops.get('/ops', basic('admin', 'correct horse'))).status).toBe(200);
  });

  it('guards /metrics too', async () => {
    expect((await ops.get('/metrics')).status).toBe(401);
  });

  it('slows a client down after a few failed tries: 429 with Retry-After, doubling, even for the right password', async () => {
    for (let i = 0; i < 3; i++) expect((await ops.get('/ops', basic('admin', `guess${i}`))).status).toBe(401);
    // The 4th failure is answered 401 and locks the address out for 1 s.
    expect((await ops.get('/ops', basic('admin', 'guess3'))).status).toBe(401);
    const locked = await ops.get('/ops', basic('admin', 'correct horse'));
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('1');
    clock += 1_000;
    // Lockout over; the next failure doubles it.
    expect((await ops.get('/ops', basic('admin', 'guess4'))).status).toBe(401);
    const again = await ops.get('/ops', basic('admin', 'guess5'));
    expect(again.status).toBe(429);
    expect(again.headers.get('retry-after')).toBe('2');
    clock += 2_000;
    expect((await ops.get('/ops', basic('admin', 'correct horse'))).status).toBe(200);
    // A success forgets the failures: the next wrong try is a plain 401 again.
    expect((await ops.get('/ops', basic('admin', 'guess6'))).status).toBe(401);
    expect((await ops.get('/ops', basic('admin', 'correct horse'))).status).toBe(200);
  });
});

describe('ops surface without credentials', () => {
  const realEnv = {
    SANDBOX: 'false',
    ELEVENLABS_API_KEY: 'sk_live_example',
    ELEVENLABS_WEBHOOK_SECRET: 'whsec_example',
    HUBSPOT_ACCESS_TOKEN: 'pat-na1-example',
    HUBSPOT_PORTAL_ID: '123',
  };

  it('outside sandbox mode, is off: /ops/* and /metrics answer 404, and start-up says why in one line', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    const credentials = resolveOpsCredentials(loadConfig(realEnv), logger);
    expect(credentials).toBeNull();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      level: 40,
      msg: expect.stringContaining('OPS_USER and OPS_PASSWORD'),
    });
    const ops = await serve(credentials, Date.now);
    try {
      for (const path of ['/ops', '/ops/safety', '/metrics']) {
        expect((await ops.get(path)).status).toBe(404);
        expect((await ops.get(path, basic('ops', 'anything'))).status).toBe(404);
      }
    } finally {
      await ops.close();
    }
  });

  it('in sandbox mode, generates a password for user ops, and logs nothing of it', () => {
    const lines: string[] = [];
    const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });
    const a = resolveOpsCredentials(loadConfig({ SANDBOX: 'true' }), logger);
    const b = resolveOpsCredentials(loadConfig({ SANDBOX: 'true' }), logger);
    expect(a).toMatchObject({ user: 'ops', generated: true });
    expect(a?.password.length).toBeGreaterThanOrEqual(20);
    expect(a?.password).not.toBe(b?.password);
    expect(lines).toEqual([]);
  });

  it('uses OPS_USER and OPS_PASSWORD when both are set, in any mode', () => {
    const config = loadConfig({ ...realEnv, OPS_USER: 'me', OPS_PASSWORD: 'long enough' });
    expect(resolveOpsCredentials(config, silent)).toEqual({
      user: 'me',
      password: 'long enough',
      generated: false,
    });
  });
});
