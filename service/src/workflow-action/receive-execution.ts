import {
  PLACE_CALL_EXPIRATION,
  PLACE_CALL_EXPIRATION_MS,
  PLACE_CALL_INPUT_FIELDS,
  type PlaceCallExecution,
  type PlaceCallExecutionAnswer,
} from '@fundraising/shared';
import type { ServiceDeps } from '../core/deps.js';
import { withTransaction } from '../db/pool.js';
import { queryRow } from '../db/statement.js';
import { notCalled } from './completion-outputs.js';
import * as q from './queries.js';
import { enqueueEnrol } from './queues.js';

/**
 * An execution of "Place AI call", as HubSpot sent it: stored and answered BLOCK at once. Reading the contact,
 * choosing its row in the campaign and calling happen later (the enrolment job, then the dispatcher): HubSpot wants
 * an answer within seconds and retries anything slower, and a workflow enrolling a list sends hundreds at once,
 * whose contacts are best read from HubSpot 100 at a time.
 *
 * A repeated delivery of the same callbackId (HubSpot retries on timeouts and 5xx) stores nothing new and gets
 * the same BLOCK: one enrolment, one call.
 */

const BLOCK: PlaceCallExecutionAnswer = {
  outputFields: { hs_execution_state: 'BLOCK', hs_expiration_duration: PLACE_CALL_EXPIRATION },
};

export type Received =
  | { readonly kind: 'stored'; readonly enrolmentId: string }
  | { readonly kind: 'repeat' }
  | { readonly kind: 'portal_not_connected' };

export async function receiveExecution(
  deps: Pick<ServiceDeps, 'pool' | 'boss' | 'clock' | 'logger'>,
  execution: PlaceCallExecution,
): Promise<{ answer: PlaceCallExecutionAnswer; received: Received }> {
  const portalId = execution.origin.portalId;
  const log = deps.logger.child({ portalId, callbackId: execution.callbackId });
  const portal = await queryRow(deps.pool, q.PORTAL_STATUS, [portalId]);
  if (portal?.status !== 'connected') {
    // Nothing could read the contact nor complete the callback later: the workflow learns it now and goes on.
    log.warn({ portalStatus: portal?.status ?? 'unknown' }, 'workflow action for a portal we do not serve');
    const { outputs, executionState } = notCalled('portal_not_connected');
    return {
      answer: { outputFields: { ...outputs, hs_execution_state: executionState } },
      received: { kind: 'portal_not_connected' },
    };
  }

  const now = deps.clock.now();
  const inputs = execution.inputFields;
  const stored = await withTransaction(deps.pool, async (tx) => {
    const row = await queryRow(tx, q.INSERT_ENROLMENT, [
      portalId,
      execution.callbackId,
      inputs[PLACE_CALL_INPUT_FIELDS.campaignId],
      execution.object.objectId,
      execution.context?.workflowId ?? null,
      inputs[PLACE_CALL_INPUT_FIELDS.dynamicVariables] ?? {},
      new Date(now + PLACE_CALL_EXPIRATION_MS),
      new Date(now),
    ]);
    if (row) await enqueueEnrol(deps.boss, tx, portalId);
    return row;
  });
  if (!stored) {
    log.info('repeated delivery of a workflow action: already enrolled');
    return { answer: BLOCK, received: { kind: 'repeat' } };
  }
  log.info(
    {
      enrolmentId: stored.id,
      contactId: execution.object.objectId,
      workflowId: execution.context?.workflowId,
    },
    'workflow enrolment received',
  );
  return { answer: BLOCK, received: { kind: 'stored', enrolmentId: stored.id } };
}
