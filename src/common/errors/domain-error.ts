import type { ErrorKey } from './error-codes';

/**
 * The one error services throw. The global filter turns the key into the HTTP status and the
 * active profile's code; services never build HTTP exceptions.
 */
export class DomainError extends Error {
  constructor(
    readonly key: ErrorKey,
    message: string,
    readonly param = '',
    /** Response headers that belong with this error (e.g. Retry-After). */
    readonly headers: Record<string, string> = {},
    /** Fields shown beside `error` in the native body (e.g. the checks of /readyz). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static invalid(param: string, message: string): DomainError {
    return new DomainError('invalid_request', message, param);
  }
}
