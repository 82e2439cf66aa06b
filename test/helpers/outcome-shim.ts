import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CallOutcome } from '@fundraising/shared';
import type { ServiceDeps } from '../../service/src/core/deps.js';
import { conversationAttemptId, parseElevenLabsWebhook } from '../../service/src/elevenlabs/index.js';
import { recordOutcome } from '../../service/src/outcomes/record-outcome.js';

/**
 * A stand-in for the webhook pipeline in engine tests: receives the fake ElevenLabs' post-call webhooks and
 * records a fixed outcome per event type, then nudges the dispatcher. It does not verify signatures or classify
 * (the webhook route does that); it only closes the loop so calls end and slots free up.
 */
export async function startOutcomeShim(
  deps: ServiceDeps,
  options: { answeredOutcome: CallOutcome; onOutcome?: () => void },
): Promise<{ url: string; recorded: number; stop(): Promise<void> }> {
  const state = { recorded: 0 };
  const findAttempt = async (
    conversationId: string,
  ): Promise<{ id: string; portal_id: string } | undefined> => {
    for (let i = 0; i < 50; i++) {
      const { rows } = await deps.pool.query<{ id: string; portal_id: string }>(
        'SELECT id::text, portal_id FROM call_attempts WHERE conversation_id = $1',
        [conversationId],
      );
      if (rows[0]) return rows[0];
      await new Promise((r) => setTimeout(r, 50)); // the dial answer may still be on its way
    }
    return undefined;
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        // A delivery cut short (the fake's 10 s timeout on a saturated machine) arrives empty or truncated: refused
        // as the real route would, and the call is found by the service's own look at it. Thrown, it would be an
        // unhandled rejection that ends the whole process.
        res.writeHead(400).end();
        return;
      }
      res.writeHead(200).end();
      void (async () => {
        const parsed = parseElevenLabsWebhook(body);
        if (!parsed.ok) return;
        const event = parsed.event;
        let outcome: CallOutcome;
        let conversationId: string;
        let attemptId: string | null = null;
        if (event.type === 'post_call_transcription') {
          outcome = options.answeredOutcome;
          conversationId = event.data.conversation_id;
          attemptId = conversationAttemptId(event.data);
        } else if (event.type === 'call_initiation_failure') {
          outcome =
            event.data.failure_reason === 'busy'
              ? 'busy'
              : event.data.failure_reason === 'no-answer'
                ? 'no_answer'
                : 'failed';
          conversationId = event.data.conversation_id;
        } else {
          return;
        }
        const attempt = attemptId ? { id: attemptId } : await findAttempt(conversationId);
        if (!attempt) return;
        const portal = await deps.pool.query<{ portal_id: string }>(
          'SELECT portal_id FROM call_attempts WHERE id = $1',
          [attempt.id],
        );
        const portalId = Number(portal.rows[0]?.portal_id);
        const result = await recordOutcome(deps, {
          attemptId: attempt.id,
          portalId,
          outcome,
          endedAtMs: deps.clock.now(),
          conversationId,
        });
        if (result.applied) state.recorded += 1;
        options.onOutcome?.();
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`,
    get recorded() {
      return state.recorded;
    },
    stop: () => new Promise((r) => server.close(() => r())),
  };
}
