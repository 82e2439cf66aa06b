import { randomBytes } from 'node:crypto';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, silentLogger, type TestDatabase } from '../../../test/helpers/database.js';
import { waitUntil } from '../../../test/helpers/wait.js';
import {
  createStaticTokenProvider,
  PortalNotConnectedError,
  PortalTokenProvider,
} from '../../src/hubspot/credentials.js';
import { createHubSpotOAuth } from '../../src/hubspot/portal-client-factory.js';
import {
  createTokenCipher,
  parseEncryptionKey,
  TokenDecryptionError,
} from '../../src/hubspot/token-cipher.js';
import type { HubSpotOAuth, OAuthTokens } from '../../src/hubspot/types.js';
import { HUBSPOT } from './helpers.js';

const KEY_HEX = randomBytes(32).toString('hex');
const cipher = createTokenCipher(KEY_HEX);
const MINUTE = 60_000;

describe('token encryption', () => {
  it('round-trips a token, with a fresh IV each time', () => {
    const a = cipher.encrypt('access-token-1', 'portal:1:access');
    const b = cipher.encrypt('access-token-1', 'portal:1:access');
    expect(a.equals(b)).toBe(false);
    expect(a.includes(Buffer.from('access-token-1'))).toBe(false);
    expect(cipher.decrypt(a, 'portal:1:access')).toBe('access-token-1');
  });

  it('fails to decrypt with a different key', () => {
    const sealed = cipher.encrypt('access-token-1', 'portal:1:access');
    const other = createTokenCipher(randomBytes(32));
    expect(() => other.decrypt(sealed, 'portal:1:access')).toThrow(TokenDecryptionError);
  });

  it("fails to decrypt a value moved to another portal's row or column", () => {
    const sealed = cipher.encrypt('access-token-1', 'portal:1:access');
    expect(() => cipher.decrypt(sealed, 'portal:2:access')).toThrow(TokenDecryptionError);
    expect(() => cipher.decrypt(sealed, 'portal:1:refresh')).toThrow(TokenDecryptionError);
  });

  it('fails on altered bytes', () => {
    const sealed = cipher.encrypt('access-token-1', 'portal:1:access');
    sealed[sealed.length - 1] = (sealed[sealed.length - 1] ?? 0) ^ 1;
    expect(() => cipher.decrypt(sealed, 'portal:1:access')).toThrow(TokenDecryptionError);
  });

  it('takes the key as 64 hex characters or base64 of 32 bytes, and nothing else', () => {
    const bytes = randomBytes(32);
    expect(parseEncryptionKey(bytes.toString('hex')).equals(bytes)).toBe(true);
    expect(parseEncryptionKey(bytes.toString('base64')).equals(bytes)).toBe(true);
    expect(() => parseEncryptionKey(randomBytes(16).toString('hex'))).toThrow(RangeError);
    expect(() => parseEncryptionKey('too-short')).toThrow(RangeError);
  });
});

describe('PortalTokenProvider (real Postgres)', () => {
  let db: TestDatabase;
  let nextPortal = 1000;
  beforeAll(async () => {
    db = await createTestDatabase();
    nock.disableNetConnect();
  });
  afterAll(async () => {
    nock.cleanAll();
    nock.enableNetConnect();
    await db.drop();
  });

  /** A fake OAuth app that counts refreshes and can hold one open until released. */
  function countingOAuth(next: () => OAuthTokens, gate?: Promise<void>) {
    const seen: string[] = [];
    const oauth: Pick<HubSpotOAuth, 'refresh'> = {
      async refresh(refreshToken) {
        seen.push(refreshToken);
        await gate;
        return next();
      },
    };
    return { oauth, seen };
  }

  const tokens = (access: string, refresh: string, expiresInMs: number): OAuthTokens => ({
    accessToken: access,
    refreshToken: refresh,
    expiresAt: new Date(Date.now() + expiresInMs),
  });

  async function installedPortal(expiresInMs: number): Promise<number> {
    const portalId = nextPortal++;
    const { oauth } = countingOAuth(() => {
      throw new Error('not expected');
    });
    const installer = new PortalTokenProvider({ pool: db.pool, cipher, oauth, logger: silentLogger });
    await installer.saveTokens(portalId, tokens('access-1', 'refresh-1', expiresInMs), [
      'oauth',
      'crm.lists.read',
    ]);
    return portalId;
  }

  it('stores tokens encrypted, with the portal as an OAuth tenant', async () => {
    const portalId = await installedPortal(30 * MINUTE);
    const { rows } = await db.pool.query(
      `SELECT p.auth_kind, c.access_token_enc, c.refresh_token_enc, c.scopes
         FROM portal_credentials c JOIN portals p USING (portal_id) WHERE portal_id = $1`,
      [portalId],
    );
    expect(rows[0].auth_kind).toBe('oauth');
    expect(rows[0].scopes).toEqual(['oauth', 'crm.lists.read']);
    expect((rows[0].access_token_enc as Buffer).includes(Buffer.from('access-1'))).toBe(false);
    expect(cipher.decrypt(rows[0].refresh_token_enc, `portal:${portalId}:refresh`)).toBe('refresh-1');
  });

  it('hands out the stored token while it has more than 5 minutes left', async () => {
    const portalId = await installedPortal(6 * MINUTE);
    const { oauth, seen } = countingOAuth(() => tokens('access-2', 'refresh-2', 30 * MINUTE));
    const provider = new PortalTokenProvider({ pool: db.pool, cipher, oauth, logger: silentLogger });
    await expect(provider.getAccessToken(portalId)).resolves.toBe('access-1');
    expect(seen).toEqual([]);
  });

  it('refreshes a token that expires within 5 minutes and stores the new one', async () => {
    const portalId = await installedPortal(4 * MINUTE);
    const { oauth, seen } = countingOAuth(() => tokens('access-2', 'refresh-2', 30 * MINUTE));
    const provider = new PortalTokenProvider({ pool: db.pool, cipher, oauth, logger: silentLogger });
    await expect(provider.getAccessToken(portalId)).resolves.toBe('access-2');
    expect(seen).toEqual(['refresh-1']);

    const { rows } = await db.pool.query(
      'SELECT access_token_enc, refresh_token_enc, expires_at FROM portal_credentials WHERE portal_id = $1',
      [portalId],
    );
    expect(cipher.decrypt(rows[0].access_token_enc, `portal:${portalId}:access`)).toBe('access-2');
    expect(cipher.decrypt(rows[0].refresh_token_enc, `portal:${portalId}:refresh`)).toBe('refresh-2');
    expect((rows[0].expires_at as Date).getTime()).toBeGreaterThan(Date.now() + 25 * MINUTE);
    // The fresh token now comes from memory.
    await expect(provider.getAccessToken(portalId)).resolves.toBe('access-2');
    expect(seen).toHaveLength(1);
  });

  it('refreshes once when two processes race for an expiring token', async () => {
    const portalId = await installedPortal(1 * MINUTE);
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { oauth, seen } = countingOAuth(() => tokens('access-2', 'refresh-2', 30 * MINUTE), gate);
    // Two providers, as two service processes would have, sharing only the database.
    const first = new PortalTokenProvider({ pool: db.pool, cipher, oauth, logger: silentLogger });
    const second = new PortalTokenProvider({ pool: db.pool, cipher, oauth, logger: silentLogger });

    const a = first.getAccessToken(portalId);
    let b: Promise<string> | undefined;
    try {
      await waitUntil(() => seen.length === 1, { what: 'the first refresh to start' });
      b = second.getAccessToken(portalId);
      await waitUntil(
        async () => {
          const { rows } = await db.pool.query(
            `SELECT count(*)::int AS waiting FROM pg_stat_activity
              WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          );
          return rows[0].waiting >= 1;
        },
        { what: "the second process to wait on the portal's row lock" },
      );
    } finally {
      // Even on failure, so the held transaction ends and the database can be dropped.
      release();
    }

    await expect(a).resolves.toBe('access-2');
    await expect(b).resolves.toBe('access-2');
    expect(seen).toEqual(['refresh-1']);
  });

  it('refreshes once when callers in one process ask at the same moment', async () => {
    const portalId = await installedPortal(1 * MINUTE);
    const { oauth, seen } = countingOAuth(() => tokens('access-2', 'refresh-2', 30 * MINUTE));
    const provider = new PortalTokenProvider({ pool: db.pool, cipher, oauth, logger: silentLogger });
    const all = await Promise.all(Array.from({ length: 5 }, () => provider.getAccessToken(portalId)));
    expect(all).toEqual(Array(5).fill('access-2'));
    expect(seen).toHaveLength(1);
  });

  it('refreshes through the real OAuth endpoint with the decrypted refresh token', async () => {
    const portalId = await installedPortal(2 * MINUTE);
    const scope = nock(HUBSPOT)
      .post('/oauth/v1/token', {
        grant_type: 'refresh_token',
        client_id: 'client-id-1',
        client_secret: 'client-secret-1',
        refresh_token: 'refresh-1',
      })
      .reply(200, {
        token_type: 'bearer',
        access_token: 'access-9',
        refresh_token: 'refresh-1',
        expires_in: 1800,
      });
    const oauth = createHubSpotOAuth({
      baseUrl: HUBSPOT,
      clientId: 'client-id-1',
      clientSecret: 'client-secret-1',
      logger: silentLogger,
    });
    const provider = new PortalTokenProvider({ pool: db.pool, cipher, oauth, logger: silentLogger });
    await expect(provider.getAccessToken(portalId)).resolves.toBe('access-9');
    scope.done();
  });

  it('re-reads the database after invalidate (e.g. another process stored a new token after a 401)', async () => {
    const portalId = await installedPortal(30 * MINUTE);
    const { oauth } = countingOAuth(() => tokens('unused', 'unused', 30 * MINUTE));
    const provider = new PortalTokenProvider({ pool: db.pool, cipher, oauth, logger: silentLogger });
    await expect(provider.getAccessToken(portalId)).resolves.toBe('access-1');
    const other = new PortalTokenProvider({ pool: db.pool, cipher, oauth, logger: silentLogger });
    await other.saveTokens(portalId, tokens('access-reinstalled', 'refresh-r', 30 * MINUTE), ['oauth']);
    await expect(provider.getAccessToken(portalId)).resolves.toBe('access-1');
    provider.invalidate(portalId);
    await expect(provider.getAccessToken(portalId)).resolves.toBe('access-reinstalled');
  });

  it('says so when a portal has no stored credentials', async () => {
    const { oauth } = countingOAuth(() => tokens('unused', 'unused', 30 * MINUTE));
    const provider = new PortalTokenProvider({ pool: db.pool, cipher, oauth, logger: silentLogger });
    await expect(provider.getAccessToken(987_654)).rejects.toBeInstanceOf(PortalNotConnectedError);
  });

  it('refuses stored tokens under a different key instead of sending garbage to HubSpot', async () => {
    const portalId = await installedPortal(30 * MINUTE);
    const { oauth } = countingOAuth(() => tokens('unused', 'unused', 30 * MINUTE));
    const provider = new PortalTokenProvider({
      pool: db.pool,
      cipher: createTokenCipher(randomBytes(32)),
      oauth,
      logger: silentLogger,
    });
    await expect(provider.getAccessToken(portalId)).rejects.toBeInstanceOf(TokenDecryptionError);
  });
});

describe('static token provider', () => {
  it("hands out a private app's token for any portal", async () => {
    const provider = createStaticTokenProvider('pat-na1-abc');
    await expect(provider.getAccessToken(1)).resolves.toBe('pat-na1-abc');
  });
});
