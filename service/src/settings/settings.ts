import {
  type AgentCheckResult,
  type ClassificationConfig,
  DEFAULT_CLASSIFICATION,
  DEFAULT_PORTAL_DEFAULTS,
  type PortalDefaults,
  portalDefaultsSchema,
  type SettingsView,
} from '@fundraising/shared';
import { AppError } from '../core/app-error.js';
import type { ServiceDeps } from '../core/deps.js';
import { execute, queryRow } from '../db/statement.js';
import { diallingState } from '../safety/index.js';
import * as q from './queries.js';

/**
 * The settings page's use cases: what the portal's connections look like, its campaign defaults, and whether an
 * ElevenLabs agent has the analysis ids the outcome classifier reads.
 */

/** The settings page must load while ElevenLabs hangs: reachability is reported "no" after this long. */
const ELEVENLABS_CHECK_TIMEOUT_MS = 5_000;

type SettingsDeps = Pick<ServiceDeps, 'pool' | 'elevenlabs' | 'clock'>;

export async function portalSettings(deps: SettingsDeps, portalId: number): Promise<SettingsView> {
  const [portal, saved, elevenlabs, dialling] = await Promise.all([
    queryRow(deps.pool, q.PORTAL_CONNECTION, [portalId]),
    queryRow(deps.pool, q.LOAD_PORTAL_DEFAULTS, [portalId]),
    elevenLabsReachability(deps),
    diallingState(deps.pool),
  ]);
  // A row written by an older version that no longer parses shows the built-in defaults rather than failing the page.
  const parsed = saved ? portalDefaultsSchema.safeParse(saved.defaults) : null;
  const defaults: PortalDefaults = parsed?.success ? parsed.data : DEFAULT_PORTAL_DEFAULTS;
  return {
    service: {
      connected: true,
      portal: {
        portalId,
        status: portal?.status ?? 'unknown',
        statusReason: portal?.status_reason ?? null,
      },
    },
    dialling,
    elevenlabs,
    defaults,
    defaultsUpdatedAt: parsed?.success && saved ? saved.updated_at.toISOString() : null,
    defaultsUpdatedByUserId:
      parsed?.success && saved?.updated_by_user_id != null ? Number(saved.updated_by_user_id) : null,
    classification: DEFAULT_CLASSIFICATION,
  };
}

export async function savePortalDefaults(
  deps: SettingsDeps,
  portalId: number,
  defaults: PortalDefaults,
  by: { userId: number | null },
): Promise<void> {
  await execute(deps.pool, q.SAVE_PORTAL_DEFAULTS, [
    portalId,
    JSON.stringify(defaults),
    by.userId,
    new Date(deps.clock.now()),
  ]);
}

/** A cheap read (the workspace's caller numbers: one request): failures are the answer, not an error. */
async function elevenLabsReachability(deps: SettingsDeps): Promise<SettingsView['elevenlabs']> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${ELEVENLABS_CHECK_TIMEOUT_MS / 1000} s`)),
      ELEVENLABS_CHECK_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([deps.elevenlabs.listPhoneNumbers(), timeout]);
    return { reachable: true };
  } catch (error) {
    return { reachable: false, message: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** The classifier's ids, without the optional signals a campaign switched off (null). */
export function classifierIds(config: ClassificationConfig = DEFAULT_CLASSIFICATION): string[] {
  return [
    config.pledgeAmount,
    config.pledgeFrequency,
    config.callbackTime,
    config.doNotCall,
    config.wrongNumber,
    config.voicemail,
    config.declined,
  ].filter((id): id is string => id !== null);
}

/**
 * Which of `ids` the agent lacks. An id counts as present as a data-collection item, or as an evaluation criterion
 * (the classifier reads voicemail and declined from either). An unknown agent is a 400 naming agentId.
 */
export async function checkAgent(
  deps: Pick<ServiceDeps, 'elevenlabs'>,
  agentId: string,
  ids: readonly string[] = classifierIds(),
): Promise<AgentCheckResult> {
  const agent = await deps.elevenlabs.getAgent(agentId);
  // As for an unknown voice: the id is the request's input, and it names nothing ElevenLabs has.
  if (!agent) throw AppError.badRequest('agentId', `ElevenLabs has no agent ${agentId}`);
  const dataCollection = new Set(agent.dataCollectionIds);
  const criteria = new Set(agent.evaluationCriteriaIds);
  const unique = [...new Set(ids)];
  const checked = unique.map((id) => ({
    id,
    foundIn: dataCollection.has(id)
      ? ('data_collection' as const)
      : criteria.has(id)
        ? ('evaluation_criteria' as const)
        : null,
  }));
  return {
    agentId: agent.agentId,
    agentName: agent.name,
    ids: checked,
    missing: checked.filter((c) => c.foundIn === null).map((c) => c.id),
  };
}
