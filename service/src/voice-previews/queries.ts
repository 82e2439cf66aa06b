import { sql } from '../db/statement.js';

/** SQL of voice previews. Times come in as parameters (the engine's clock). */

/** Expired samples of every portal: nobody can open them any more. */
export const PURGE_EXPIRED = sql<never, [now: Date]>('DELETE FROM voice_previews WHERE expires_at <= $1');

/** Samples the portal has alive: a bound on what one portal can make us pay ElevenLabs for. */
export const LIVE_PREVIEWS = sql<{ n: number }, [portalId: number, now: Date]>(
  'SELECT count(*)::int AS n FROM voice_previews WHERE portal_id = $1 AND expires_at > $2',
);

/** A live sample of the same line in the same voice, with time left to listen to it. */
export const REUSABLE_PREVIEW = sql<
  { id: string; expires_at: Date },
  [portalId: number, voiceId: string, textSha256: string, notBefore: Date]
>(`
  SELECT id::text, expires_at FROM voice_previews
   WHERE portal_id = $1 AND voice_id = $2 AND text_sha256 = $3 AND expires_at > $4
   ORDER BY expires_at DESC LIMIT 1`);

export const INSERT_PREVIEW = sql<
  { id: string },
  [
    portalId: number,
    voiceId: string,
    textSha256: string,
    audio: Buffer,
    userId: number | null,
    createdAt: Date,
    expiresAt: Date,
  ]
>(`
  INSERT INTO voice_previews (portal_id, voice_id, text_sha256, audio, created_by_user_id, created_at, expires_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7)
  RETURNING id::text`);

/** The audio of a live sample; the id is checked to be a uuid before it comes here. */
export const LOAD_PREVIEW_AUDIO = sql<{ audio: Buffer; expires_at: Date }, [id: string, now: Date]>(
  'SELECT audio, expires_at FROM voice_previews WHERE id = $1::uuid AND expires_at > $2',
);
