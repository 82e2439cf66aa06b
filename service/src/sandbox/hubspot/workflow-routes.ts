import { PLACE_CALL_ACTION_PATHS, PLACE_CALL_INPUT_FIELDS } from '@fundraising/shared';
import express, { Router } from 'express';
import { z } from 'zod';
import { signHubSpotRequestV2 } from '../../hubspot/index.js';
import { sendSignedCall } from './signed-calls.js';
import type { HubSpotContext } from './state.js';

/**
 * The fake HubSpot's workflows: enrolling contacts into a workflow whose step is the app's "Place AI call" action
 * makes HubSpot POST one execution per contact to the action's URL, signed (v2, as HubSpot signs custom workflow
 * actions), with a callbackId of HubSpot's shape (ap-<portal>-<execution>-<action>-0). `deliverTwice` repeats a
 * contact's execution, as HubSpot does when an answer is slow or a 5xx: the same callbackId, the same body.
 * The callbacks' completions land in the record's callbackCompletions (activity-routes.ts).
 */

export const SANDBOX_ACTION_DEFINITION_ID = 2_210_045;
export const SANDBOX_WORKFLOW_ID = 587_001_234;
/** Executions sent at once: HubSpot runs a workflow's enrolments in parallel, not one by one. */
const PARALLEL_DELIVERIES = 8;

export const workflowEnrolmentSchema = z.object({
  portalId: z.number().int().positive(),
  campaignId: z.string().min(1),
  contactIds: z.array(z.string().regex(/^\d+$/)).min(1).max(10_000),
  /** Contacts whose execution is delivered a second time (same callbackId). */
  deliverTwice: z.array(z.string()).default([]),
  /** The action's dynamic variables input, as the workflow's author filled it in. */
  variables: z.record(z.string(), z.string()).optional(),
  workflowId: z.number().int().positive().default(SANDBOX_WORKFLOW_ID),
});
export type WorkflowEnrolment = z.input<typeof workflowEnrolmentSchema>;

export interface WorkflowExecution {
  readonly callbackId: string;
  readonly contactId: string;
  /** The service's answer to each delivery, in order. */
  readonly deliveries: { readonly status: number; readonly body: unknown }[];
}

/** Execution ids of the fake, HubSpot-sized, unique within a run. */
let nextExecution = 56_777_914_000;

export async function enrolInWorkflow(
  ctx: HubSpotContext,
  serviceUrl: string,
  input: WorkflowEnrolment,
): Promise<WorkflowExecution[]> {
  const enrolment = workflowEnrolmentSchema.parse(input);
  if (!ctx.portals.has(enrolment.portalId)) throw new Error(`no portal ${enrolment.portalId} in the sandbox`);
  const twice = new Set(enrolment.deliverTwice);
  const url = `${serviceUrl}${PLACE_CALL_ACTION_PATHS.actionUrl}`;
  const executions = enrolment.contactIds.map((contactId) => {
    const callbackId = `ap-${enrolment.portalId}-${++nextExecution}-1-0`;
    const body = JSON.stringify({
      callbackId,
      origin: {
        portalId: enrolment.portalId,
        actionDefinitionId: SANDBOX_ACTION_DEFINITION_ID,
        actionDefinitionVersion: 1,
      },
      context: { source: 'WORKFLOWS', workflowId: enrolment.workflowId },
      object: { objectId: Number(contactId), objectType: 'CONTACT' },
      inputFields: {
        [PLACE_CALL_INPUT_FIELDS.campaignId]: enrolment.campaignId,
        ...(enrolment.variables === undefined
          ? {}
          : { [PLACE_CALL_INPUT_FIELDS.dynamicVariables]: JSON.stringify(enrolment.variables) }),
      },
    });
    return { callbackId, contactId, body, deliveries: [] as { status: number; body: unknown }[] };
  });

  const deliver = async (execution: (typeof executions)[number]) => {
    const signature = signHubSpotRequestV2({
      method: 'POST',
      uri: url,
      rawBody: execution.body,
      clientSecret: ctx.clientSecret,
    });
    const answer = await sendSignedCall({
      method: 'POST',
      url,
      headers: { ...signature, 'content-type': 'application/json' },
      body: execution.body,
    });
    execution.deliveries.push(answer);
  };
  let next = 0;
  const worker = async () => {
    while (next < executions.length) {
      const execution = executions[next++];
      if (execution === undefined) return;
      await deliver(execution);
      if (twice.has(execution.contactId)) await deliver(execution);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_DELIVERIES, executions.length) }, worker));
  return executions.map(({ callbackId, contactId, deliveries }) => ({ callbackId, contactId, deliveries }));
}

/** POST /__sandbox/hubspot/workflows/enrol: enrols contacts as a workflow would; answers what the service said. */
export function workflowRoutes(ctx: HubSpotContext, serviceUrl: () => string | null): Router {
  const router = Router();
  router.post('/__sandbox/hubspot/workflows/enrol', express.json(), async (req, res) => {
    const parsed = workflowEnrolmentSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: z.prettifyError(parsed.error) });
      return;
    }
    const base = serviceUrl();
    if (base === null) {
      res.status(409).json({ error: 'the service URL is not known yet' });
      return;
    }
    try {
      res.json({ executions: await enrolInWorkflow(ctx, base, parsed.data) });
    } catch (error) {
      res.status(400).json({ error: error instanceof Error ? error.message : String(error) });
    }
  });
  return router;
}
