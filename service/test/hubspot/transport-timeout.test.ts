import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../test/helpers/database.js';
import { createHubSpotClients } from '../../src/hubspot/portal-client-factory.js';
import { SteppingClock } from './fake-clocks.js';
import { PORTAL_ID, staticTokens } from './helpers.js';

/** A request that times out is cancelled, not merely abandoned: its connection closes. */

/**
 * Long enough for the request to reach the silent server on a loaded machine (at 100 ms a busy CI run aborted it
 * before the server saw it), short enough to keep the file quick.
 */
const TIMEOUT_MS = 1_000;

let server: Server;
let baseUrl: string;
const closed: Promise<void>[] = [];
const received: string[] = [];

beforeAll(async () => {
  // Never answers: holds every request open until the client gives up on it.
  server = createServer((req: IncomingMessage) => {
    received.push(`${req.method} ${req.url}`);
    closed.push(new Promise((resolve) => req.socket.once('close', () => resolve())));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const clients = () =>
  createHubSpotClients({
    baseUrl,
    tokens: staticTokens(),
    logger: silentLogger,
    clock: new SteppingClock(),
    requestTimeoutMs: TIMEOUT_MS,
  });

describe('a HubSpot request that gets no answer in time', () => {
  it('is reported as a timeout and its connection is closed', async () => {
    const clients = createHubSpotClients({
      baseUrl,
      tokens: staticTokens(),
      logger: silentLogger,
      clock: new SteppingClock(),
      requestTimeoutMs: TIMEOUT_MS,
      retry: { maxAttempts: 1 },
    });
    const error = await clients
      .forPortal(PORTAL_ID)
      .getListMembershipsPage('187')
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toMatchObject({ status: 0, category: 'TIMEOUT' });
    expect(closed).toHaveLength(1);
    expect(received).toHaveLength(1);
    // Resolves only when the server sees the socket closed: the request was really cancelled.
    await closed[0];
  });

  it('reports a Calls create that got no answer in time as outcome unknown, without resending it', async () => {
    const before = received.length;
    const error = await clients()
      .forPortal(PORTAL_ID)
      .createCalls([
        {
          idempotencyKey: 'attempt-1',
          contactId: '101',
          timestamp: new Date('2025-10-01T15:04:05.000Z'),
          title: 'Spring appeal call',
          body: 'No answer',
          status: 'NO_ANSWER',
          durationMs: 0,
          toNumber: '+15551234567',
          fromNumber: '+15557654321',
          direction: 'OUTBOUND',
        },
      ])
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toMatchObject({ status: 0, category: 'TIMEOUT', outcomeUnknown: true });
    expect(received.slice(before)).toEqual(['POST /crm/v3/objects/calls/batch/create']);
  });
});
