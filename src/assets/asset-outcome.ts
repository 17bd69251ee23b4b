import { ArkOpenApiError, ArkUnavailableError } from '@arkgate/byteplus';

/**
 * The three outcomes of an upstream create (docs/contract.md §9), for the asset library: `refused` when upstream answered 4xx
 * or nothing can have been sent (connection refused, name not resolved); `unknown` for everything else that failed
 * (5xx, reset, timeout, a malformed answer): upstream may have created the object.
 */
export type CreateOutcome = 'refused' | 'unknown';

/** Failures that happen before a single byte of the request leaves this machine. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'ERR_INVALID_URL']);

export function createOutcomeOf(err: unknown): CreateOutcome {
  if (err instanceof ArkOpenApiError) return 'refused';
  if (err instanceof ArkUnavailableError) {
    const flagged = (err as { requestSent?: unknown }).requestSent;
    if (flagged === false) return 'refused';
    if (err.reason === 'network' && causeCodes(err).some((code) => NOT_SENT_CODES.has(code))) return 'refused';
    return 'unknown';
  }
  // Not an upstream failure (e.g. our own validation): nothing was sent.
  return 'refused';
}

function causeCodes(err: unknown): string[] {
  const codes: string[] = [];
  const seen = new Set<unknown>();
  let current = err;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}
