/**
 * Volcengine/BytePlus OpenAPI signature V4 (HMAC-SHA256), node:crypto only.
 *
 * Every step is exported on its own so that tests can check each one against fixed vectors:
 *
 *   canonicalQuery → canonicalRequest → stringToSign ← credentialScope
 *   signingKey(secret, shortDate, region, service) → signature = hex(HMAC(signingKey, stringToSign))
 *
 * `signRequest` signs an outgoing request; `verifySignature` checks an incoming one (used by the sandbox).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNING_ALGORITHM = 'HMAC-SHA256';
/** Last part of the credential scope. */
export const SCOPE_TERMINATOR = 'request';
/** Signed by default when present; `host`, `x-date` and `x-content-sha256` always are. */
export const DEFAULT_SIGNED_HEADERS = ['content-type', 'host', 'x-content-sha256', 'x-date', 'x-security-token'] as const;
export const DEFAULT_MAX_SKEW_MS = 15 * 60 * 1000;

export type QueryParams = Record<string, string | string[]>;
export type HeaderBag = Record<string, string | string[] | number | undefined>;

/** Lowercase hex SHA-256 of a string (UTF-8) or bytes. */
export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Percent-encodes everything except `A-Za-z0-9-_.~`; a space becomes `%20`, hex digits are upper case. */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * `k=v` pairs joined with `&`: keys and values percent-encoded, pairs sorted by (raw) key, the values of a
 * repeated key sorted after encoding.
 */
export function canonicalQuery(params: QueryParams | URLSearchParams): string {
  const grouped = params instanceof URLSearchParams ? groupSearchParams(params) : params;
  const keys = Object.keys(grouped).sort(compareCodeUnits);
  const pairs: string[] = [];
  for (const key of keys) {
    const raw = grouped[key];
    const values = (Array.isArray(raw) ? raw : [raw]).map((value) => uriEncode(String(value))).sort(compareCodeUnits);
    for (const value of values) pairs.push(`${uriEncode(key)}=${value}`);
  }
  return pairs.join('&');
}

/** `YYYYMMDDTHHMMSSZ` (UTC). */
export function formatXDate(now: Date | number): string {
  const date = typeof now === 'number' ? new Date(now) : now;
  if (Number.isNaN(date.getTime())) throw new RangeError('invalid signing date');
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** `shortDate/region/service/request`. */
export function credentialScope(shortDate: string, region: string, service: string): string {
  return `${shortDate}/${region}/${service}/${SCOPE_TERMINATOR}`;
}

/** Header value as signed: whitespace runs collapsed and trimmed; `host` without a default port (`:80`, `:443`). */
export function canonicalHeaderValue(name: string, value: string): string {
  const collapsed = value.replace(/\s+/g, ' ').trim();
  return name === 'host' ? collapsed.replace(/:(80|443)$/, '') : collapsed;
}

/** Signed header names lower-cased, de-duplicated and sorted. */
export function normalizeSignedHeaders(names: readonly string[]): string[] {
  return [...new Set(names.map((name) => name.trim().toLowerCase()).filter((name) => name !== ''))].sort(compareCodeUnits);
}

export interface CanonicalRequestInput {
  method: string;
  /** URL path as sent (already percent-encoded); empty means `/`. */
  path: string;
  query: QueryParams | URLSearchParams;
  /** Header names in any case. */
  headers: HeaderBag;
  signedHeaders: readonly string[];
  /** Lowercase hex SHA-256 of the raw body. */
  bodySha256: string;
}

/**
 * `METHOD\nPATH\nQUERY\nHEADERS\nSIGNED\nBODYHASH`, where HEADERS is one `name:value\n` per signed header
 * (so an empty line precedes SIGNED). A signed header missing from `headers` is a TypeError.
 */
export function canonicalRequest(input: CanonicalRequestInput): string {
  const signed = normalizeSignedHeaders(input.signedHeaders);
  const lookup = lowerCaseHeaders(input.headers);
  let headerBlock = '';
  for (const name of signed) {
    const value = lookup[name];
    if (value === undefined) throw new TypeError(`signed header ${name} is not in the request`);
    headerBlock += `${name}:${canonicalHeaderValue(name, value)}\n`;
  }
  return [input.method.toUpperCase(), input.path || '/', canonicalQuery(input.query), headerBlock, signed.join(';'), input.bodySha256].join('\n');
}

/** `HMAC-SHA256\nX-Date\nscope\nhex(SHA256(canonical request))`. */
export function stringToSign(xDate: string, scope: string, canonicalRequestHash: string): string {
  return [SIGNING_ALGORITHM, xDate, scope, canonicalRequestHash].join('\n');
}

/** HMAC chain over the raw secret (no prefix): shortDate → region → service → `request`. */
export function signingKey(secret: string, shortDate: string, region: string, service: string): Buffer {
  const kDate = hmac(secret, shortDate);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  return hmac(kService, SCOPE_TERMINATOR);
}

export function authorizationHeader(accessKeyId: string, scope: string, signedHeaders: readonly string[], signature: string): string {
  return `${SIGNING_ALGORITHM} Credential=${accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`;
}

export interface SignRequestInput {
  method: string;
  /** Full URL; its path and query are signed, and its host unless `headers` carries a Host. */
  url: string | URL;
  headers?: Record<string, string>;
  /** Raw body exactly as it will be sent; absent for none. */
  body?: string | Buffer;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  service: string;
  now: Date | number;
  /** Session token of temporary credentials, sent (and signed) as X-Security-Token. */
  sessionToken?: string;
  /**
   * Names to sign instead of the default (content-type, host, x-content-sha256, x-date, x-security-token — those
   * present). Each must be in the request; `host` is taken from the URL when not in `headers`.
   */
  signedHeaders?: readonly string[];
}

export interface SignedRequest {
  /** The input headers plus X-Date, X-Content-Sha256 (and X-Security-Token) and Authorization. */
  headers: Record<string, string>;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
  authorization: string;
}

export function signRequest(input: SignRequestInput): SignedRequest {
  const url = typeof input.url === 'string' ? new URL(input.url) : input.url;
  const xDate = formatXDate(input.now);
  const bodySha256 = sha256Hex(input.body ?? '');
  const headers: Record<string, string> = { ...input.headers };
  for (const name of Object.keys(headers)) {
    if (['authorization', 'x-date', 'x-content-sha256'].includes(name.toLowerCase())) delete headers[name];
  }
  headers['X-Date'] = xDate;
  headers['X-Content-Sha256'] = bodySha256;
  if (input.sessionToken !== undefined) headers['X-Security-Token'] = input.sessionToken;

  const forSigning: HeaderBag = { ...headers };
  if (lowerCaseHeaders(headers).host === undefined) forSigning.host = url.host;
  const present = lowerCaseHeaders(forSigning);
  const signed = input.signedHeaders ? normalizeSignedHeaders(input.signedHeaders) : DEFAULT_SIGNED_HEADERS.filter((name) => present[name] !== undefined);

  const shortDate = xDate.slice(0, 8);
  const scope = credentialScope(shortDate, input.region, input.service);
  const canonical = canonicalRequest({
    method: input.method,
    path: url.pathname,
    query: url.searchParams,
    headers: forSigning,
    signedHeaders: signed,
    bodySha256,
  });
  const toSign = stringToSign(xDate, scope, sha256Hex(canonical));
  const signature = createHmac('sha256', signingKey(input.secretAccessKey, shortDate, input.region, input.service))
    .update(toSign)
    .digest('hex');
  const authorization = authorizationHeader(input.accessKeyId, scope, signed, signature);
  headers.Authorization = authorization;
  return { headers, canonicalRequest: canonical, stringToSign: toSign, signature, authorization };
}

export type SignatureFailureCode =
  | 'MissingAuthenticationToken'
  | 'InvalidAuthorization'
  | 'InvalidAccessKey'
  | 'InvalidCredentialScope'
  | 'InvalidTimestamp'
  | 'InvalidContentSha256'
  | 'SignatureDoesNotMatch';

export type SignatureCheck = { ok: true; accessKeyId: string } | { ok: false; code: SignatureFailureCode; message: string };

export interface VerifySignatureInput {
  method: string;
  /** URL path as received (still percent-encoded). */
  path: string;
  query: QueryParams | URLSearchParams;
  headers: HeaderBag;
  rawBody: Buffer | string;
  /** The secret of an access key, or undefined when the key is unknown. */
  lookupSecret: (accessKeyId: string) => string | undefined;
  region: string;
  service: string;
  now: Date | number;
  /** Largest accepted distance between X-Date and now; default 15 minutes. */
  maxSkewMs?: number;
}

export interface ParsedAuthorization {
  accessKeyId: string;
  shortDate: string;
  region: string;
  service: string;
  terminator: string;
  signedHeaders: string[];
  signature: string;
}

const AUTHORIZATION = /^HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([^,\s]+)\s*$/;
const X_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** The parts of an `Authorization: HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header, or null when malformed. */
export function parseAuthorization(header: string): ParsedAuthorization | null {
  const match = AUTHORIZATION.exec(header.trim());
  if (!match) return null;
  const credential = match[1].split('/');
  if (credential.length !== 5 || credential.some((part) => part === '')) return null;
  const [accessKeyId, shortDate, region, service, terminator] = credential;
  const signedHeaders = match[2].split(';');
  if (signedHeaders.some((name) => name === '' || name !== name.toLowerCase())) return null;
  if (!/^[0-9a-f]{64}$/.test(match[3])) return null;
  return { accessKeyId, shortDate, region, service, terminator, signedHeaders, signature: match[3] };
}

/** Parses `YYYYMMDDTHHMMSSZ` to ms since epoch; NaN when malformed. */
export function parseXDate(value: string): number {
  const match = X_DATE.exec(value);
  if (!match) return NaN;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  return formatXDate(ms) === value ? ms : NaN;
}

/**
 * Checks an incoming signed request. Order of the checks: header present, well formed (x-date signed, every
 * signed header present), X-Date well formed, credential scope (date = X-Date's, region, service, `request`),
 * X-Date within the skew, access key known, X-Content-Sha256 (when sent) equal to the body's hash, signature.
 */
export function verifySignature(input: VerifySignatureInput): SignatureCheck {
  const headers = lowerCaseHeaders(input.headers);
  const header = headers.authorization;
  if (header === undefined || header.trim() === '') {
    return fail('MissingAuthenticationToken', 'The request has no Authorization header.');
  }
  const auth = parseAuthorization(header);
  if (!auth) {
    return fail(
      'InvalidAuthorization',
      'The Authorization header is malformed; expected "HMAC-SHA256 Credential=AK/date/region/service/request, SignedHeaders=…, Signature=…".',
    );
  }
  const signed = normalizeSignedHeaders(auth.signedHeaders);
  if (!signed.includes('x-date')) return fail('InvalidAuthorization', 'SignedHeaders must include x-date.');
  const missing = signed.find((name) => headers[name] === undefined);
  if (missing) return fail('InvalidAuthorization', `The signed header ${missing} is not in the request.`);

  const xDate = headers['x-date'];
  const signedAt = parseXDate(xDate);
  if (Number.isNaN(signedAt)) return fail('InvalidTimestamp', `X-Date "${xDate}" is not of the form YYYYMMDDTHHMMSSZ.`);
  if (auth.shortDate !== xDate.slice(0, 8) || auth.region !== input.region || auth.service !== input.service || auth.terminator !== SCOPE_TERMINATOR) {
    const expected = credentialScope(xDate.slice(0, 8), input.region, input.service);
    return fail(
      'InvalidCredentialScope',
      `The credential scope ${auth.shortDate}/${auth.region}/${auth.service}/${auth.terminator} is not valid; expected ${expected}.`,
    );
  }
  const now = typeof input.now === 'number' ? input.now : input.now.getTime();
  const maxSkewMs = input.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  if (Math.abs(now - signedAt) > maxSkewMs) {
    return fail('InvalidTimestamp', `X-Date ${xDate} is more than ${Math.round(maxSkewMs / 1000)} s away from the server time.`);
  }
  const secret = input.lookupSecret(auth.accessKeyId);
  if (secret === undefined) return fail('InvalidAccessKey', `The access key ${auth.accessKeyId} does not exist.`);

  const bodySha256 = sha256Hex(input.rawBody);
  const claimed = headers['x-content-sha256'];
  if (claimed !== undefined && claimed.trim().toLowerCase() !== bodySha256) {
    return fail('InvalidContentSha256', 'X-Content-Sha256 does not match the SHA-256 of the request body.');
  }

  const canonical = canonicalRequest({
    method: input.method,
    path: input.path,
    query: input.query,
    headers,
    signedHeaders: signed,
    // A claimed hash is what the client signed; it was just checked equal to the real one.
    bodySha256,
  });
  const scope = credentialScope(auth.shortDate, auth.region, auth.service);
  const toSign = stringToSign(xDate, scope, sha256Hex(canonical));
  const expected = createHmac('sha256', signingKey(secret, auth.shortDate, auth.region, auth.service))
    .update(toSign)
    .digest();
  const given = Buffer.from(auth.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return fail('SignatureDoesNotMatch', 'The request signature does not match the signature computed with your secret access key.');
  }
  return { ok: true, accessKeyId: auth.accessKeyId };
}

function fail(code: SignatureFailureCode, message: string): SignatureCheck {
  return { ok: false, code, message };
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function groupSearchParams(params: URLSearchParams): QueryParams {
  const out: QueryParams = {};
  for (const [key, value] of params) {
    const seen = out[key];
    if (seen === undefined) out[key] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else out[key] = [seen, value];
  }
  return out;
}

/** Header names lower-cased; repeated values joined with `,`; undefined values dropped. */
function lowerCaseHeaders(headers: HeaderBag): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return out;
}
