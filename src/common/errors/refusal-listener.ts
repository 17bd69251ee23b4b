import type { RequestContext } from '../http/request-context';

/** A request the error filter is answering with an error, as it answers it. */
export interface Refusal {
  /** The framework's request object (its `params` and `query` name the target). */
  request: { params?: Record<string, string>; query?: Record<string, unknown> };
  ctx: RequestContext;
  status: number;
  code: string;
  /** An upstream 4xx passed through as BytePlus sent it, rather than an error arkgate made. */
  upstream: boolean;
  /** The database cannot be reached: nothing can be written about this refusal. */
  databaseUnavailable: boolean;
}

/**
 * Told of every error the global filter answers, before the answer is sent, so a module above `common/` can act on
 * refusals (the audit trail writes its refusal events and counts 429s) without `common/` knowing it. Optional: without
 * a listener the filter only answers.
 */
export interface RefusalListener {
  refused(refusal: Refusal): Promise<void>;
}

export const REFUSAL_LISTENER = Symbol('arkgate.refusalListener');
