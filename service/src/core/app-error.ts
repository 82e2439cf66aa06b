/**
 * The one error type the service raises on purpose. `code` is stable for clients, `status` is the HTTP status,
 * `field` names the input at fault (4xx), `cause` keeps the underlying error for logs only.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly field: string | undefined;

  constructor(options: { code: string; status: number; message: string; field?: string; cause?: unknown }) {
    super(options.message, { cause: options.cause });
    this.name = 'AppError';
    this.code = options.code;
    this.status = options.status;
    this.field = options.field;
  }

  static badRequest(field: string, message: string): AppError {
    return new AppError({ code: 'invalid_request', status: 400, field, message: `${field}: ${message}` });
  }

  static notFound(what: string): AppError {
    return new AppError({ code: 'not_found', status: 404, message: `${what} not found` });
  }

  static unauthorized(message: string): AppError {
    return new AppError({ code: 'unauthorized', status: 401, message });
  }
}
