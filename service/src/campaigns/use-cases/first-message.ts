import { AppError } from '../../core/app-error.js';
import type { ElevenLabsApi } from '../../elevenlabs/index.js';

/**
 * A campaign's own first message is sent as a per-call override, which ElevenLabs refuses (the whole call fails)
 * unless the agent's security settings allow overriding its first message. So a campaign may only have one for
 * an agent that allows it: a 400 on `firstMessage` now rather than failed calls after launch.
 */
export async function assertFirstMessageAllowed(elevenlabs: ElevenLabsApi, agentId: string): Promise<void> {
  const agent = await elevenlabs.getAgent(agentId);
  if (!agent) throw AppError.badRequest('agentId', `no ElevenLabs agent ${agentId}`);
  if (!agent.allowsFirstMessageOverride) {
    throw AppError.badRequest(
      'firstMessage',
      `agent "${agent.name}" does not allow its first message to be overridden; allow the override in the ` +
        "agent's security settings in ElevenLabs, or leave the first message unset to use the agent's own",
    );
  }
}
