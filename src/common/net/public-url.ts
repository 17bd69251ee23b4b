import { isIP } from 'node:net';
import { HostResolutionError, HostResolver } from './host-resolver';
import { classifyAddress } from './public-address';

export type PublicUrlCheck = { ok: true; url: string } | { ok: false; reason: string };

/** Characters WHATWG URL parsing silently drops or rewrites, so other parsers may read differently. */
const AMBIGUOUS_CHARACTERS = /[\x00-\x20\x7f\\]/;
/** `https://` then the authority, as every URL parser reads it. */
const PLAIN_AUTHORITY = /^https:\/\/([^/?#]*)/i;

/**
 * Checks that `raw` is an https URL whose host is publicly routable: a non-empty string once
 * trimmed, parsed with WHATWG `URL` (which canonicalises hosts such as `2130706433`, `0x7f.1`
 * or `127.1` to 127.0.0.1, so the parsed hostname is what gets judged), `https:` only, no
 * credentials, and a host that is either a public IP literal or a name whose every address
 * (through `resolver`, which honours DNS overrides) is public. `localhost` and `*.localhost`
 * are refused by name.
 *
 * Because the caller forwards the string as written, it must also read the same to other URL
 * parsers: no whitespace, control characters or backslashes inside, literally `https://` before
 * the host, and an IPv4 host written in plain dotted-decimal (a public address in hex, octal or
 * shorthand is refused; a parser that reads `010.0.0.1` as decimal would reach 10.0.0.1).
 *
 * `field` names the value in reasons, which are meant for a 400 response.
 */
export async function checkPublicHttpsUrl(
  raw: unknown,
  resolver: Pick<HostResolver, 'resolve'>,
  field = 'callback_url',
): Promise<PublicUrlCheck> {
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
  if (url.protocol !== 'https:') return refuse(`${field} must use https`);
  if (url.username !== '' || url.password !== '') return refuse(`${field} must not contain a user name or password`);

  const authority = PLAIN_AUTHORITY.exec(trimmed)?.[1];
  if (authority === undefined) return refuse(`${field} must start with https:// followed by a host`);
  if (authority.includes('@')) return refuse(`${field} must not contain a user name or password`);
  if (authority === '' || url.hostname === '') return refuse(`${field} must have a host`);

  const hostname = url.hostname;
  if (hostname.startsWith('[') && hostname.endsWith(']')) {
    const problem = literalProblem(field, hostname.slice(1, -1), hostname);
    return problem === null ? { ok: true, url: trimmed } : refuse(problem);
  }
  if (isIP(hostname) === 4) {
    const problem = literalProblem(field, hostname, hostname);
    if (problem !== null) return refuse(problem);
    const writtenHost = authority.replace(/:\d*$/, '');
    if (writtenHost !== hostname) {
      return refuse(`${field} host ${writtenHost} must be written as a plain dotted-decimal IPv4 address (it reads as ${hostname})`);
    }
    return { ok: true, url: trimmed };
  }

  const name = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  if (name === 'localhost' || name.endsWith('.localhost')) return refuse(`${field} host must not be localhost`);

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

function literalProblem(field: string, address: string, shown: string): string | null {
  const verdict = classifyAddress(address);
  return verdict.public ? null : `${field} host is a non-public address (${shown}: ${verdict.reason})`;
}

function refuse(reason: string): PublicUrlCheck {
  return { ok: false, reason };
}
