/**
 * docs/contract.md §10: the API token travels only in `Authorization: Bearer oh-…`. Never a query parameter or a
 * body field (passport-http-bearer would also read `access_token` from both).
 */
const BEARER = /^Bearer +(oh-[A-Za-z0-9_-]{1,256}) *$/i;

/** The token in an Authorization header value, or undefined when there is none of the right shape. */
export function bearerTokenOf(authorization: unknown): string | undefined {
  if (typeof authorization !== 'string') return undefined;
  return BEARER.exec(authorization)?.[1];
}
