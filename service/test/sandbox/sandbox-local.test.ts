import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import type { Request, Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../../test/helpers/database.js';
import { sandboxTestConfig } from '../../../test/helpers/sandbox-service.js';
import { loadConfig } from '../../src/config/config.js';
import { type RunningService, startService } from '../../src/runtime.js';
import { isLoopbackAddress, loopbackOnly } from '../../src/sandbox/loopback-only.js';

/** The sandbox's pages steer its fakes: they answer this machine only, and the service binds loopback by default. */

function guard(remoteAddress: string, ip: string): number {
  let status = 0;
  const res = {
    status(code: number) {
      status = code;
      return this;
    },
    json() {
      return this;
    },
  } as unknown as Response;
  loopbackOnly({ socket: { remoteAddress }, ip } as unknown as Request, res, () => {
    status = 200;
  });
  return status;
}

describe('the loopback guard of /__sandbox', () => {
  it('lets loopback clients through, IPv4, IPv6 and IPv4-mapped', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) expect(guard(a, a)).toBe(200);
  });
  it('refuses any other address with 403', () => {
    for (const a of ['192.0.2.2', '10.0.0.1', '::ffff:10.0.0.1', 'fe80::1', '1127.0.0.1', '0.0.0.0'])
      expect(guard(a, a)).toBe(403);
  });
  it('refuses a remote client forwarded by a proxy on this machine', () => {
    expect(guard('127.0.0.1', '203.0.113.9')).toBe(403);
  });
  it('treats a missing address as not loopback', () => {
    expect(isLoopbackAddress(undefined)).toBe(false);
  });
});

describe('where a sandbox service listens', () => {
  it('binds loopback in sandbox mode unless HOST says otherwise, and every interface outside it', () => {
    expect(loadConfig({ SANDBOX: 'true' }).host).toBe('127.0.0.1');
    expect(loadConfig({ SANDBOX: 'true', HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(
      loadConfig({
        ELEVENLABS_API_KEY: 'k',
        ELEVENLABS_WEBHOOK_SECRET: 's',
        HUBSPOT_ACCESS_TOKEN: 't',
        HUBSPOT_PORTAL_ID: '1',
      }).host,
    ).toBeUndefined();
  });
});

/** This machine's first non-loopback IPv4 address, if it has one. */
const externalAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

function get(host: string, port: number, path: string, headers: Record<string, string> = {}) {
  return new Promise<number>((resolve, reject) => {
    const req = request({ host, port, path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('a sandbox service bound to every interface (HOST=0.0.0.0)', () => {
  let db: TestDatabase;
  let service: RunningService;
  let port: number;
  beforeAll(async () => {
    db = await createTestDatabase();
    service = await startService({
      config: sandboxTestConfig(db, { HOST: '0.0.0.0' }),
      logger: silentLogger,
      startDispatcher: false,
    });
    port = Number(new URL(service.url).port);
  });
  afterAll(async () => {
    await service?.stop();
    await db?.drop();
  });

  it.skipIf(externalAddress === undefined)(
    `answers /__sandbox on loopback but refuses it on ${externalAddress}`,
    async () => {
      expect(await get('127.0.0.1', port, '/__sandbox')).toBe(200);
      expect(await get(externalAddress!, port, '/__sandbox')).toBe(403);
      expect(await get(externalAddress!, port, '/__sandbox/elevenlabs/dials')).toBe(403);
      expect(await get('127.0.0.1', port, '/__sandbox', { 'x-forwarded-for': '203.0.113.9' })).toBe(403);
      // The rest of the service is reachable as configured.
      expect(await get(externalAddress!, port, '/healthz')).toBe(200);
    },
  );

  it('answers a bad page query with 400 naming the parameter, not 500', async () => {
    for (const path of [
      '/__sandbox/elevenlabs/dials?limit=-1',
      '/__sandbox/elevenlabs/webhooks?offset=abc',
      '/__sandbox/hubspot/calls?limit=0',
    ]) {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as { error: string }).error, path).toMatch(/^(limit|offset): /);
    }
    expect((await fetch(`http://127.0.0.1:${port}/__sandbox/elevenlabs/dials?limit=5`)).status).toBe(200);
  });
});
