/**
 * Removes secrets from what an audit event keeps: values of fields whose name says secret, bearer
 * tokens and `oh-` tokens anywhere in strings, and secret-looking query parameters of URLs.
 */
const SECRET_WORDS = new Set(['secret', 'password', 'passwd', 'token', 'authorization', 'signature', 'credential', 'credentials', 'cookie']);
const SECRET_PAIRS = /(^|_)(api_key|access_key|secret_key|private_key|session_id)(_|$)/;

/** A field name that holds a secret: a whole word like `token` or `secret` (not `tokens`), or a pair like `api_key`. */
function isSecretName(key: string): boolean {
  const snake = key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[-.\s]/g, '_');
  return snake.split('_').some((w) => SECRET_WORDS.has(w)) || SECRET_PAIRS.test(snake);
}
const SECRET_QUERY = /([?&](?:[^=&#]*(?:secret|password|token|key|signature|sig|auth|credential|session)[^=&#]*)=)[^&#]*/gi;
const BEARER = /\b(Bearer\s+)[A-Za-z0-9._~+/=-]+/g;
const ARKGATE_TOKEN = /\boh-[A-Za-z0-9_-]{8,}/g;
export const REDACTED = '[REDACTED]';

export function redact(value: unknown, key = ''): unknown {
  if (key && isSecretName(key) && value !== null && value !== undefined && typeof value !== 'boolean') return REDACTED;
  if (typeof value === 'string') {
    return value.replace(BEARER, `$1${REDACTED}`).replace(ARKGATE_TOKEN, REDACTED).replace(SECRET_QUERY, `$1${REDACTED}`);
  }
  if (Array.isArray(value)) return value.map((v) => redact(v));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redact(v, k)]));
  }
  return value;
}
