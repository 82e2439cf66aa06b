export {
  createSandboxTokenProvider,
  createStaticTokenProvider,
  isRefreshTokenRefused,
  PortalNotConnectedError,
  PortalRevokedError,
  PortalTokenProvider,
  type PortalTokenProviderOptions,
  REFRESH_MARGIN_MS,
  REVOKED_REASON,
} from './credentials.js';
export { HubSpotApiError } from './errors.js';
export { BATCH_LIMIT, MEMBERSHIPS_PAGE_LIMIT } from './portal-client.js';
export {
  createHubSpotClients,
  createHubSpotOAuth,
  DEFAULT_HUBSPOT_BASE_URL,
  type HubSpotClients,
  type HubSpotClientsOptions,
} from './portal-client-factory.js';
export {
  DEFAULT_RATE_LIMIT,
  PortalRateLimiter,
  type RateLimitOptions,
} from './rate-limiter.js';
export { DEFAULT_RETRY, type RetryOptions } from './retry.js';
export {
  MAX_SIGNATURE_AGE_MS,
  type SignatureCheck,
  type SignatureFailure,
  signHubSpotRequestV2,
  signHubSpotRequestV3,
  type VerifyHubSpotSignatureInput,
  verifyHubSpotSignature,
} from './signature.js';
export {
  createTokenCipher,
  parseEncryptionKey,
  type TokenCipher,
  TokenDecryptionError,
} from './token-cipher.js';
export { readOrCreateTokenKey, SANDBOX_TOKEN_KEY_FILE } from './token-key-file.js';
export * from './types.js';
export { CALL_TO_CONTACT_ASSOCIATION } from './wire-format.js';
