import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import type { z } from 'zod';

/** HubSpot's error body: `{status:"error", message, correlationId, category, ...}`. */
export function hubspotError(
  res: Response,
  status: number,
  category: string,
  message: string,
  extra: Record<string, unknown> = {},
): Response {
  return res
    .status(status)
    .json({ status: 'error', message, correlationId: randomUUID(), category, ...extra });
}

export function invalidBody(res: Response, error: z.ZodError): Response {
  const issue = error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'body';
  return hubspotError(
    res,
    400,
    'VALIDATION_ERROR',
    `Invalid input JSON on line 1: ${where}: ${issue?.message ?? 'invalid'}`,
  );
}

/** The shape HubSpot uses for rejected property values, e.g. a property that does not exist. */
export function propertyValuesError(
  res: Response,
  portalId: number,
  problems: readonly { name: string; error: string; message: string }[],
): Response {
  const details = problems.map((p) => ({
    isValid: false,
    message: p.message,
    error: p.error,
    name: p.name,
    localizedErrorMessage: p.message,
    portalId,
  }));
  return hubspotError(
    res,
    400,
    'VALIDATION_ERROR',
    `Property values were not valid: ${JSON.stringify(details)}`,
  );
}

export function notFoundError(res: Response, message: string): Response {
  return hubspotError(res, 404, 'OBJECT_NOT_FOUND', message);
}

export const tooManyInputs = (res: Response, count: number, max: number) =>
  hubspotError(res, 400, 'VALIDATION_ERROR', `Too many inputs: ${count}; the limit is ${max}.`, {
    context: { inputs: [String(count)], limit: [String(max)] },
  });
