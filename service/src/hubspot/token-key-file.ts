import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseEncryptionKey } from './token-cipher.js';

/** Where sandbox mode keeps the key it generated, inside DATA_DIR. */
export const SANDBOX_TOKEN_KEY_FILE = 'sandbox-token-encryption.key';

/**
 * The token encryption key kept in a file, created (32 random bytes, hex, mode 0600) on first use. Sandbox mode
 * uses it when TOKEN_ENCRYPTION_KEY is unset, so installed sandbox portals keep decrypting across restarts and
 * between a web and a worker process sharing the folder. Creating is exclusive: of two processes starting at once,
 * one writes and both read its key.
 */
export async function readOrCreateTokenKey(file: string): Promise<Buffer> {
  await mkdir(path.dirname(file), { recursive: true });
  try {
    await writeFile(file, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  // A file another process is still writing can be read empty for an instant: read until it is whole.
  for (let attempt = 1; ; attempt++) {
    const text = (await readFile(file, 'utf8')).trim();
    if (text !== '' || attempt >= 20) return parseKeyFile(file, text);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function parseKeyFile(file: string, text: string): Buffer {
  try {
    return parseEncryptionKey(text);
  } catch (cause) {
    throw new Error(`${file} does not hold a 32-byte key: delete it to generate a new one`, { cause });
  }
}
