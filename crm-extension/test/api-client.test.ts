import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiCallError, createApiClient } from '../src/app/lib/api-client.js';
import { SERVICE_URL } from '../src/app/lib/service-url.js';
import { apiError, fakeFetcher } from './helpers/fetchers.js';

describe('the extension’s API client', () => {
  it('calls the service URL with the method and body, and returns the answer checked by its schema', async () => {
    const fetcher = fakeFetcher({ 'POST /api/things': { status: 201, body: { id: 'a1' } } });
    const api = createApiClient(fetcher, SERVICE_URL);
    expect(await api.call(z.object({ id: z.string() }), 'POST', '/api/things', { name: 'x' })).toEqual({
      id: 'a1',
    });
    expect(fetcher.seen).toEqual([{ method: 'POST', path: '/api/things', body: { name: 'x' } }]);
  });

  it('turns an API error into an ApiCallError with its status, code, message and field', async () => {
    const fetcher = fakeFetcher({
      'POST /api/things': { status: 400, body: apiError('invalid_request', 'name: expected a name', 'name') },
    });
    const error = await createApiClient(fetcher, SERVICE_URL)
      .call(z.object({}), 'POST', '/api/things', {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiCallError);
    expect(error).toMatchObject({
      status: 400,
      code: 'invalid_request',
      field: 'name',
      message: 'name: expected a name',
    });
  });

  it('reports an answer that does not match the schema instead of passing it on', async () => {
    const fetcher = fakeFetcher({ 'GET /api/things': { body: { id: 7 } } });
    const error = await createApiClient(fetcher, SERVICE_URL)
      .call(z.object({ id: z.string() }), 'GET', '/api/things')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unexpected_answer' });
  });

  it('reports an unreachable service', async () => {
    const error = await createApiClient(async () => Promise.reject(new Error('timeout')), SERVICE_URL)
      .call(z.object({}), 'GET', '/api/things')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 0, code: 'unreachable' });
  });
});
