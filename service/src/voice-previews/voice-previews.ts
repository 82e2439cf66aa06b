import { createHash } from 'node:crypto';
import { AppError } from '../core/app-error.js';
import { wireNow } from '../core/clock.js';
import type { ServiceDeps } from '../core/deps.js';
import { execute, queryRow } from '../db/statement.js';
import { ElevenLabsApiError } from '../elevenlabs/index.js';
import { checkPreviewLink, previewPath } from './preview-link.js';
import * as q from './queries.js';

/** How long a link (and its sample) lives: long enough to open it from the card, short enough not to share. */
export const PREVIEW_TTL_MS = 5 * 60_000;
/** A stored sample of the same line is handed out again only with at least this long left to play it. */
const REUSE_MIN_LEFT_MS = 60_000;
/** Live samples per portal: each one is a paid text-to-speech request. */
export const MAX_LIVE_PREVIEWS_PER_PORTAL = 30;
/** A 300-character line is well under 1 MB of MP3; anything far larger is not a preview. */
const MAX_AUDIO_BYTES = 5 * 1024 * 1024;

export interface PreviewLink {
  /** Path and signed query, to put after the public URL. */
  readonly path: string;
  readonly expiresAt: Date;
}

/**
 * Speaks one line in a voice and keeps the MP3 behind a signed link for PREVIEW_TTL_MS. Generated now rather than
 * when the link is opened, so the card hears about an unknown voice (400 naming voiceId) or an ElevenLabs failure
 * (502) while it can still say so; the browser tab only ever gets audio or a short message. The same line in the
 * same voice within the link's life is served from the stored sample (HubSpot's proxy retries a POST once on a
 * 5xx, and people press Play twice). Expired samples are deleted on the way.
 */
export async function createVoicePreview(
  deps: ServiceDeps,
  linkKey: Buffer,
  request: { portalId: number; userId: number | null; voiceId: string; text: string },
): Promise<PreviewLink> {
  // Wire time: a link's life is for a person to open it, real minutes however fast the sandbox's clock runs.
  const now = wireNow(deps.clock);
  await execute(deps.pool, q.PURGE_EXPIRED, [new Date(now)]);
  const textSha256 = createHash('sha256').update(request.text).digest('hex');
  const reusable = await queryRow(deps.pool, q.REUSABLE_PREVIEW, [
    request.portalId,
    request.voiceId,
    textSha256,
    new Date(now + REUSE_MIN_LEFT_MS),
  ]);
  if (reusable) return linkTo(linkKey, reusable.id, reusable.expires_at);

  const live = await queryRow(deps.pool, q.LIVE_PREVIEWS, [request.portalId, new Date(now)]);
  if ((live?.n ?? 0) >= MAX_LIVE_PREVIEWS_PER_PORTAL) {
    throw new AppError({
      code: 'too_many_previews',
      status: 429,
      message: `at most ${MAX_LIVE_PREVIEWS_PER_PORTAL} voice previews at a time; try again in a few minutes`,
    });
  }
  const audio = await speak(deps, request.voiceId, request.text);
  // Expiry on whole seconds: the link carries seconds, and the row must not outlive the link by a fraction.
  const expiresAt = new Date(Math.floor((now + PREVIEW_TTL_MS) / 1000) * 1000);
  const row = await queryRow(deps.pool, q.INSERT_PREVIEW, [
    request.portalId,
    request.voiceId,
    textSha256,
    audio,
    request.userId,
    new Date(now),
    expiresAt,
  ]);
  if (!row) throw new Error('voice preview not stored');
  deps.logger.info(
    { portalId: request.portalId, voiceId: request.voiceId, bytes: audio.length, previewId: row.id },
    'voice preview created',
  );
  return linkTo(linkKey, row.id, expiresAt);
}

function linkTo(linkKey: Buffer, id: string, expiresAt: Date): PreviewLink {
  return { path: previewPath(linkKey, id, Math.floor(expiresAt.getTime() / 1000)), expiresAt };
}

async function speak(deps: ServiceDeps, voiceId: string, text: string): Promise<Buffer> {
  let audio: Buffer;
  try {
    audio = await deps.elevenlabs.previewSpeech(voiceId, text);
  } catch (error) {
    if (error instanceof ElevenLabsApiError && (error.status === 404 || error.code === 'voice_not_found')) {
      throw AppError.badRequest('voiceId', `ElevenLabs has no voice ${voiceId}`);
    }
    throw new AppError({
      code: 'elevenlabs_unavailable',
      status: 502,
      message: 'ElevenLabs could not speak the preview; try again shortly',
      cause: error,
    });
  }
  if (audio.length === 0 || audio.length > MAX_AUDIO_BYTES) {
    throw new AppError({
      code: 'elevenlabs_unavailable',
      status: 502,
      message: `ElevenLabs answered a preview of ${audio.length} bytes`,
    });
  }
  return audio;
}

export type PreviewLookup =
  | { readonly kind: 'audio'; readonly audio: Buffer; readonly expiresAt: Date }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'expired' }
  | { readonly kind: 'gone' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What a signed link leads to. Opening it again before it expires plays it again (browsers re-request media). */
export async function openVoicePreview(
  deps: ServiceDeps,
  linkKey: Buffer,
  link: { readonly id: string; readonly expires: string; readonly sig: string },
): Promise<PreviewLookup> {
  const now = wireNow(deps.clock);
  if (!UUID.test(link.id)) return { kind: 'invalid' };
  const check = checkPreviewLink(linkKey, link, now);
  if (check === 'bad_signature') return { kind: 'invalid' };
  if (check === 'expired') {
    await execute(deps.pool, q.PURGE_EXPIRED, [new Date(now)]);
    return { kind: 'expired' };
  }
  const row = await queryRow(deps.pool, q.LOAD_PREVIEW_AUDIO, [link.id, new Date(now)]);
  return row ? { kind: 'audio', audio: row.audio, expiresAt: row.expires_at } : { kind: 'gone' };
}
