import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';

/** Looks a host name up and answers its addresses (IP strings). */
export type HostLookup = (hostname: string) => Promise<string[]>;

/** How long one lookup may take before the name counts as unresolvable. */
export const DEFAULT_LOOKUP_TIMEOUT_MS = 3000;

/**
 * Public addresses of the RFC 2606 example names, answered without DNS when the upstream is the sandbox
 * (docs/contract.md §7), so the documented examples (`callback_url: https://example.com/…`) work on a machine
 * without public DNS. A name and all its subdomains answer the same addresses.
 */
export const RFC2606_ADDRESSES: ReadonlyMap<string, string[]> = new Map([
  ['example.com', ['23.192.228.80', '23.215.0.136']],
  ['example.org', ['23.192.228.84', '23.215.0.132']],
  ['example.net', ['23.192.228.86', '23.215.0.134']],
]);

/** A host name that could not be turned into addresses: no answer, an error, or a timeout. */
export class HostResolutionError extends Error {
  constructor(
    readonly hostname: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HostResolutionError';
  }
}

const HOST_NAME = /^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$/;

/**
 * Parses `host=ip,host=ip` (the ARKGATE_DNS_OVERRIDES format). Host names are compared
 * case-insensitively and without a trailing dot; a host may repeat to give several addresses;
 * whitespace around entries, names and addresses is ignored, and so are empty entries. An entry
 * without `=`, with a malformed host name, naming an IP address as host, or with an invalid IP
 * throws an Error whose message quotes the entry.
 */
export function parseDnsOverrides(spec: string): Map<string, string[]> {
  const overrides = new Map<string, string[]>();
  for (const rawEntry of spec.split(',')) {
    const entry = rawEntry.trim();
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    if (eq < 0) throw new Error(`DNS override entry "${entry}" is not of the form host=ip`);
    const rawHost = entry.slice(0, eq).trim();
    const address = stripBrackets(entry.slice(eq + 1).trim());
    if (isIP(stripBrackets(rawHost)) !== 0) {
      throw new Error(`DNS override entry "${entry}" names an IP address as host; use a host name`);
    }
    const host = overrideKey(rawHost);
    if (host === null) throw new Error(`DNS override entry "${entry}" has an invalid host name "${rawHost}"`);
    if (isIP(address) === 0) throw new Error(`DNS override entry "${entry}" has an invalid IP address "${address}"`);
    addAddress(overrides, host, address);
  }
  return overrides;
}

/**
 * The one resolver for outbound URLs: IP literals answer themselves, an override answers before
 * DNS, and otherwise the system resolver (getaddrinfo, in the order it returns) is asked with a
 * timeout. Every failure is a HostResolutionError.
 */
export class HostResolver {
  private readonly overrides = new Map<string, string[]>();

  constructor(
    overrides: Map<string, string[]> = new Map(),
    private readonly lookup: HostLookup = systemLookup,
    private readonly timeoutMs: number = DEFAULT_LOOKUP_TIMEOUT_MS,
    /** Domains answered with fixed addresses for themselves and every subdomain, after the exact overrides. */
    private readonly domainAnswers: ReadonlyMap<string, string[]> = new Map(),
  ) {
    for (const [host, addresses] of overrides) {
      const key = overrideKey(host);
      if (key === null) throw new Error(`DNS override host "${host}" is not a valid host name`);
      for (const address of addresses) {
        if (isIP(address) === 0) throw new Error(`DNS override for "${host}" has an invalid IP address "${address}"`);
        addAddress(this.overrides, key, address);
      }
    }
  }

  /** Answers the addresses of a host name, IPv4 literal or IPv6 literal (with or without brackets). */
  async resolve(hostname: string): Promise<string[]> {
    const trimmed = hostname.trim();
    if (trimmed.startsWith('[') || trimmed.endsWith(']')) {
      const inner = stripBrackets(trimmed);
      if (inner !== trimmed && isIP(inner) === 6) return [inner];
      throw new HostResolutionError(hostname, `"${hostname}" is not a valid IPv6 literal`);
    }
    if (isIP(trimmed) !== 0) return [trimmed];

    const key = overrideKey(trimmed);
    if (key === null) throw new HostResolutionError(hostname, `"${hostname}" is not a valid host name`);
    const overridden = this.overrides.get(key);
    if (overridden) return [...overridden];
    for (const [domain, addresses] of this.domainAnswers) {
      if (key === domain || key.endsWith(`.${domain}`)) return [...addresses];
    }

    const dnsName = trimmed.endsWith('.') ? `${key}.` : key;
    let answered: unknown;
    try {
      answered = await withTimeout(
        Promise.resolve().then(() => this.lookup(dnsName)),
        this.timeoutMs,
        () => new HostResolutionError(hostname, `looking up "${dnsName}" timed out after ${this.timeoutMs} ms`),
      );
    } catch (error) {
      if (error instanceof HostResolutionError) throw error;
      throw new HostResolutionError(hostname, `could not resolve "${dnsName}": ${describe(error)}`, { cause: error });
    }
    if (!Array.isArray(answered) || answered.length === 0) {
      throw new HostResolutionError(hostname, `"${dnsName}" has no addresses`);
    }
    const addresses: string[] = [];
    for (const address of answered) {
      if (typeof address !== 'string' || isIP(address) === 0) {
        throw new HostResolutionError(hostname, `looking up "${dnsName}" answered something that is not an IP address`);
      }
      if (!addresses.includes(address)) addresses.push(address);
    }
    return addresses;
  }
}

async function systemLookup(hostname: string): Promise<string[]> {
  const answers = await dns.lookup(hostname, { all: true, verbatim: true });
  return answers.map((answer) => answer.address);
}

/** Lower-case ASCII form without a trailing dot, or null when it is not a host name. */
function overrideKey(host: string): string | null {
  let name = host.trim().toLowerCase();
  if (name.endsWith('.')) name = name.slice(0, -1);
  // eslint-disable-next-line no-control-regex -- the range \x00-\x7f is "ASCII"; anything outside it needs the IDNA form.
  if (/[^\x00-\x7f]/.test(name)) name = domainToASCII(name);
  return HOST_NAME.test(name) ? name : null;
}

function stripBrackets(value: string): string {
  return value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
}

function addAddress(map: Map<string, string[]>, host: string, address: string): void {
  const addresses = map.get(host);
  if (!addresses) map.set(host, [address]);
  else if (!addresses.includes(address)) addresses.push(address);
}

function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    timer.unref();
    // The work's own rejection reason passes through unchanged.
    work.finally(() => clearTimeout(timer)).then(resolve, reject);
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
