import { isIP } from 'node:net';
import { HostResolutionError, HostResolver } from './host-resolver';
import { classifyAddress } from './public-address';

export type PublicUrlCheck = { ok: true; url: string } | { ok: false; reason: string };

export type UrlScheme = 'https' | 'http';

/**
 * What a URL may be (docs/contract.md §10): which schemes, which ports, and the field name used in reasons.
 * `ports` is the allowed list (ARKGATE_ALLOWED_URL_PORTS, always with 443) and applies to the
 * effective port: the written one, or the scheme's default when none is written. An http URL
 * (content media only) may also use 80, http's own default, so `http://host/x.mp4` works without
 * putting 80 in the list; no other scheme gets a port outside the list.
 */
export interface UrlPolicy {
  field: string;
  schemes: readonly UrlScheme[];
  ports: readonly number[];
}

/** ARKGATE_ALLOWED_URL_PORTS' default; the config always supplies its own list. */
export const DEFAULT_ALLOWED_PORTS: readonly number[] = [443, 8443];

const DEFAULT_PORT: Record<UrlScheme, number> = { https: 443, http: 80 };

/** Characters WHATWG URL parsing silently drops or rewrites, so other parsers may read differently. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses.
const AMBIGUOUS_CHARACTERS = /[\x00-\x20\x7f\\]/;
/** `scheme://` then the authority, as every URL parser reads it. */
const PLAIN_AUTHORITY = /^(https?):\/\/([^/?#]*)/i;

/**
 * The callback URL check: https on 443 or an allowed port, public host (see `checkPublicUrl`).
 * `ports` defaults to ARKGATE_ALLOWED_URL_PORTS' default.
 */
export function checkPublicHttpsUrl(
  raw: unknown,
  resolver: Pick<HostResolver, 'resolve'>,
  field = 'callback_url',
  ports: readonly number[] = DEFAULT_ALLOWED_PORTS,
): Promise<PublicUrlCheck> {
  return checkPublicUrl(raw, resolver, { field, schemes: ['https'], ports });
}

/**
 * The one URL policy for everything arkgate forwards for someone else to fetch (callback, asset
 * `URL`, content media under media policy `any`): a non-empty string once trimmed, parsed with
 * WHATWG `URL` (which canonicalises hosts such as `2130706433`, `0x7f.1` or `127.1` to 127.0.0.1,
 * so the parsed hostname is what gets judged), a scheme of `policy.schemes`, no credentials, an
 * effective port the policy allows (see `UrlPolicy`), and a host that is either a public IP literal
 * or a name whose every address (through `resolver`, which honours DNS overrides) is public.
 * `localhost` and `*.localhost` are refused by name.
 *
 * Because the caller forwards the string as written, it must also read the same to other URL
 * parsers: no whitespace, control characters or backslashes inside, literally `scheme://` before
 * the host, a port written as plain decimal without leading zeros, and an IPv4 host written in
 * plain dotted-decimal (a public address in hex, octal or shorthand is refused; a parser that
 * reads `010.0.0.1` as decimal would reach 10.0.0.1).
 *
 * `policy.field` names the value in reasons, which are meant for a 400 response.
 */
export async function checkPublicUrl(raw: unknown, resolver: Pick<HostResolver, 'resolve'>, policy: UrlPolicy): Promise<PublicUrlCheck> {
  const { field } = policy;
  if (typeof raw !== 'string') return refuse(`${field} must be a string`);
  const trimmed = raw.trim();
  if (trimmed === '') return refuse(`${field} must not be empty`);
  if (AMBIGUOUS_CHARACTERS.test(trimmed)) {
    return refuse(`${field} must not contain whitespace, control characters or backslashes`);
  }

  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return refuse(`${field} is not a valid URL`);
  }
  const scheme = url.protocol.slice(0, -1) as UrlScheme;
  if (!policy.schemes.includes(scheme)) return refuse(`${field} must use ${policy.schemes.join(' or ')}`);
  if (url.username !== '' || url.password !== '') return refuse(`${field} must not contain a user name or password`);

  const written = PLAIN_AUTHORITY.exec(trimmed);
  if (written === null || written[1].toLowerCase() !== scheme) return refuse(`${field} must start with ${scheme}:// followed by a host`);
  const authority = written[2];
  if (authority.includes('@')) return refuse(`${field} must not contain a user name or password`);
  if (authority === '' || url.hostname === '') return refuse(`${field} must have a host`);

  const writtenPort = portAsWritten(authority);
  if (writtenPort !== null && !/^[1-9][0-9]{0,4}$/.test(writtenPort)) {
    return refuse(`${field} port must be written as a plain decimal number (got "${writtenPort}")`);
  }
  const port = url.port === '' ? DEFAULT_PORT[scheme] : Number(url.port);
  const portProblem =
    policy.ports.includes(port) || (scheme === 'http' && port === DEFAULT_PORT.http)
      ? null
      : `${field} port ${port} is not allowed (allowed: ${allowedPorts(policy, scheme)})`;

  const hostname = url.hostname;
  if (hostname.startsWith('[') && hostname.endsWith(']')) {
    const problem = literalProblem(field, hostname.slice(1, -1), hostname) ?? portProblem;
    return problem === null ? { ok: true, url: trimmed } : refuse(problem);
  }
  if (isIP(hostname) === 4) {
    const problem = literalProblem(field, hostname, hostname);
    if (problem !== null) return refuse(problem);
    const writtenHost = authority.replace(/:\d*$/, '');
    if (writtenHost !== hostname) {
      return refuse(`${field} host ${writtenHost} must be written as a plain dotted-decimal IPv4 address (it reads as ${hostname})`);
    }
    return portProblem === null ? { ok: true, url: trimmed } : refuse(portProblem);
  }

  const name = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  if (name === 'localhost' || name.endsWith('.localhost')) return refuse(`${field} host must not be localhost`);
  if (portProblem !== null) return refuse(portProblem);

  let addresses: string[];
  try {
    addresses = await resolver.resolve(hostname);
  } catch (error) {
    if (error instanceof HostResolutionError) return refuse(`${field} host could not be resolved (${hostname})`);
    throw error;
  }
  for (const address of addresses) {
    const verdict = classifyAddress(address);
    if (!verdict.public) {
      return refuse(`${field} host resolves to a non-public address (${address}: ${verdict.reason})`);
    }
  }
  return { ok: true, url: trimmed };
}

/** The port part of an authority as written (`""` for a bare colon), or null when none is written. */
function portAsWritten(authority: string): string | null {
  const afterHost = authority.startsWith('[') ? authority.slice(authority.indexOf(']') + 1) : authority.slice(Math.max(authority.lastIndexOf(':'), 0));
  return afterHost.startsWith(':') ? afterHost.slice(1) : null;
}

function allowedPorts(policy: UrlPolicy, scheme: UrlScheme): string {
  const ports = scheme === 'http' && !policy.ports.includes(80) ? [80, ...policy.ports] : [...policy.ports];
  return ports.join(', ');
}

function literalProblem(field: string, address: string, shown: string): string | null {
  const verdict = classifyAddress(address);
  return verdict.public ? null : `${field} host is a non-public address (${shown}: ${verdict.reason})`;
}

function refuse(reason: string): PublicUrlCheck {
  return { ok: false, reason };
}
