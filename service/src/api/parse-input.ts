import { campaignIdSchema } from '@fundraising/shared';
import type { Request } from 'express';
import { ZodError, type z } from 'zod';
import { AppError } from '../core/app-error.js';

/**
 * The edge of every /api route: the body, the query and the campaign id are parsed here, and a failure becomes a
 * 400 naming the field (the error handler formats a ZodError). Two cases zod leaves without a useful path are
 * named here: an unknown key of a strict body (named by the key) and a body or query that is wrong as a whole.
 */

export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  return parseOrThrow(schema, body, 'body');
}

export function parseQuery<T extends z.ZodType>(schema: T, query: unknown): z.output<T> {
  return parseOrThrow(schema, query, 'query');
}

/** The `:campaignId` route parameter; anything but a UUID is a 400 (it cannot be anyone's campaign). */
export function campaignIdOf(req: Request): string {
  const parsed = campaignIdSchema.safeParse(req.params.campaignId);
  if (!parsed.success) throw AppError.badRequest('campaignId', 'expected a campaign id (a UUID)');
  return parsed.data;
}

function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown, root: string): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new ZodError(
    parsed.error.issues.map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        const [key] = issue.keys;
        return { ...issue, path: [...issue.path, key ?? root], message: 'unknown field' };
      }
      return issue.path.length === 0 ? { ...issue, path: [root] } : issue;
    }),
  );
}
