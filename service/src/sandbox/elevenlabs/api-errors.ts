import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';

/** The fake ElevenLabs' error answers, in the real API's shapes. */

export const detail = (res: Response, status: number, code: string, message: string) =>
  res.status(status).json({ detail: { status: code, message } });

/** FastAPI's 422 body (`HTTPValidationError`), which ElevenLabs returns for a body that does not validate. */
export function validationError(
  res: Response,
  error: z.ZodError,
  where: 'body' | 'query' = 'body',
): Response {
  return res.status(422).json({
    detail: error.issues.map((issue) => {
      const loc = [where, ...issue.path];
      if (issue.code === 'invalid_type' && issue.input === undefined) {
        return { type: 'missing', loc, msg: 'Field required', input: null };
      }
      if (issue.code === 'invalid_type') {
        return {
          type: `${issue.expected}_type`,
          loc,
          msg: `Input should be a valid ${issue.expected}`,
          input: issue.input,
        };
      }
      return { type: 'value_error', loc, msg: issue.message, input: issue.input ?? null };
    }),
  });
}

/** Malformed JSON: FastAPI answers 422 `json_invalid`, not 400. */
export function elevenLabsJsonErrorHandler(err: unknown, _req: Request, res: Response, next: NextFunction) {
  const parseFailed =
    typeof err === 'object' && err !== null && 'type' in err && err.type === 'entity.parse.failed';
  if (err instanceof SyntaxError || parseFailed) {
    return res.status(422).json({
      detail: [
        {
          type: 'json_invalid',
          loc: ['body', 0],
          msg: 'JSON decode error',
          input: {},
          ctx: { error: 'Expecting value' },
        },
      ],
    });
  }
  return next(err);
}
