import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;

/**
 * AES-256-GCM for OAuth tokens at rest. Stored layout: version (1 byte) | iv (12) | tag (16) | ciphertext.
 * The context (portal id and which token) is authenticated data, so a ciphertext copied to another portal's row,
 * or from the refresh column to the access column, fails to decrypt instead of being used.
 */
export interface TokenCipher {
  encrypt(plaintext: string, context: string): Buffer;
  decrypt(sealed: Buffer, context: string): string;
}

export class TokenDecryptionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TokenDecryptionError';
  }
}

/** TOKEN_ENCRYPTION_KEY: 32 bytes as 64 hex characters or as base64 (the config validates the same rule). */
export function parseEncryptionKey(value: string): Buffer {
  const trimmed = value.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed, 'base64');
  if (key.length !== 32)
    throw new RangeError('TOKEN_ENCRYPTION_KEY must be 32 bytes, as 64 hex characters or base64');
  return key;
}

export function createTokenCipher(key: string | Buffer): TokenCipher {
  const secret = typeof key === 'string' ? parseEncryptionKey(key) : key;
  if (secret.length !== 32) throw new RangeError('token encryption key must be 32 bytes');

  return {
    encrypt(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', secret, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), ciphertext]);
    },

    decrypt(sealed, context) {
      if (sealed.length < HEADER_BYTES || sealed[0] !== VERSION)
        throw new TokenDecryptionError('stored token has an unknown format');
      const iv = sealed.subarray(1, 1 + IV_BYTES);
      const tag = sealed.subarray(1 + IV_BYTES, HEADER_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', secret, iv);
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(tag);
      try {
        return Buffer.concat([decipher.update(sealed.subarray(HEADER_BYTES)), decipher.final()]).toString(
          'utf8',
        );
      } catch (cause) {
        // Wrong key, or the bytes were altered or moved: GCM's tag check fails either way.
        throw new TokenDecryptionError('stored token could not be decrypted (wrong key or tampered)', {
          cause,
        });
      }
    },
  };
}
