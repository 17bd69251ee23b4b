import { isIP } from 'node:net';
import * as ipaddr from 'ipaddr.js';

/**
 * Whether an IP address is publicly routable, and if not, a short phrase saying what it is
 * ("loopback address", "private address", ...) for use in error messages.
 */
export type AddressVerdict = { public: true } | { public: false; reason: string };

type IPv4Net = [ipaddr.IPv4, number];
type IPv6Net = [ipaddr.IPv6, number];

const v4 = (cidr: string): IPv4Net => ipaddr.IPv4.parseCIDR(cidr);
const v6 = (cidr: string): IPv6Net => ipaddr.IPv6.parseCIDR(cidr);

/**
 * IPv4 ranges that are never a public unicast destination, most specific first where they nest.
 * This mirrors the IANA IPv4 Special-Purpose Address Registry, which ipaddr.js 2.5's own table
 * also covers in full; the list is kept here so the verdict and its wording do not depend on the
 * library version. Any range ipaddr.js knows and this list does not is refused too (see below).
 */
const IPV4_REFUSED: ReadonlyArray<[IPv4Net, string]> = [
  [v4('0.0.0.0/8'), 'unspecified address'],
  [v4('10.0.0.0/8'), 'private address'],
  [v4('100.64.0.0/10'), 'carrier-grade NAT address'],
  [v4('127.0.0.0/8'), 'loopback address'],
  [v4('169.254.0.0/16'), 'link-local address'],
  [v4('172.16.0.0/12'), 'private address'],
  [v4('192.0.0.0/24'), 'IETF protocol assignment address'],
  [v4('192.0.2.0/24'), 'documentation address'],
  [v4('192.31.196.0/24'), 'AS112 anycast address'],
  [v4('192.52.193.0/24'), 'AMT relay anycast address'],
  [v4('192.88.99.0/24'), '6to4 relay anycast address'],
  [v4('192.168.0.0/16'), 'private address'],
  [v4('192.175.48.0/24'), 'AS112 anycast address'],
  [v4('198.18.0.0/15'), 'benchmarking address'],
  [v4('198.51.100.0/24'), 'documentation address'],
  [v4('203.0.113.0/24'), 'documentation address'],
  [v4('224.0.0.0/4'), 'multicast address'],
  [v4('255.255.255.255/32'), 'broadcast address'],
  [v4('240.0.0.0/4'), 'reserved address'],
];

/**
 * IPv6 ranges refused outright, checked in order after the embedded-IPv4 forms are unwrapped.
 * Gaps in ipaddr.js 2.5 filled here: IPv4-compatible ::/96 (it calls those "unicast") and the
 * space outside 2000::/3 (it calls e.g. 4000::1 "unicast"); the latter is enforced after this list.
 */
const IPV6_REFUSED: ReadonlyArray<[IPv6Net, string]> = [
  [v6('::/128'), 'unspecified address'],
  [v6('::1/128'), 'loopback address'],
  [v6('::/96'), 'deprecated IPv4-compatible address'],
  [v6('::ffff:0:0:0/96'), 'IPv4-translated address'],
  [v6('64:ff9b:1::/48'), 'local-use NAT64 address'],
  [v6('100::/64'), 'discard-only address'],
  [v6('fe80::/10'), 'link-local address'],
  [v6('fec0::/10'), 'site-local address'],
  [v6('fc00::/7'), 'unique-local address'],
  [v6('ff00::/8'), 'multicast address'],
  [v6('2001::/32'), 'Teredo tunnel address'],
  [v6('2001:2::/48'), 'benchmarking address'],
  [v6('2001:10::/28'), 'ORCHID address'],
  [v6('2001:20::/28'), 'ORCHID address'],
  [v6('2001:db8::/32'), 'documentation address'],
  [v6('2001::/23'), 'IETF protocol assignment address'],
  [v6('2620:4f:8000::/48'), 'AS112 anycast address'],
  [v6('3fff::/20'), 'documentation address'],
];

const IPV4_MAPPED = v6('::ffff:0:0/96');
const NAT64_WELL_KNOWN = v6('64:ff9b::/96');
const SIX_TO_FOUR = v6('2002::/16');
const GLOBAL_UNICAST = v6('2000::/3');

/** Wording for ipaddr.js range names, used only for ranges missing from the lists above. */
const LIBRARY_RANGE_REASONS: Readonly<Record<string, string>> = {
  unspecified: 'unspecified address',
  broadcast: 'broadcast address',
  multicast: 'multicast address',
  linkLocal: 'link-local address',
  loopback: 'loopback address',
  carrierGradeNat: 'carrier-grade NAT address',
  private: 'private address',
  uniqueLocal: 'unique-local address',
  deprecatedSiteLocal: 'site-local address',
  benchmarking: 'benchmarking address',
};

const PUBLIC: AddressVerdict = { public: true };

/**
 * Classifies one IP address written in standard notation (dotted-decimal IPv4 or IPv6 without
 * brackets). Anything else, including the shorthand IPv4 forms some parsers accept ("127.1",
 * "0x7f.1") and IPv6 zone ids ("fe80::1%eth0"), is refused, so a "public" verdict is only ever
 * given to a string every consumer reads the same way.
 *
 * IPv6 addresses that carry an IPv4 address are judged by that IPv4 address:
 * - IPv4-mapped ::ffff:a.b.c.d: public when a.b.c.d is;
 * - NAT64 well-known prefix 64:ff9b::/96: public when the last 32 bits are (RFC 6052 forbids
 *   that prefix for non-global IPv4, and a translator forwards to exactly that address);
 * - 6to4 2002::/16: public when the IPv4 in bits 16-47 is.
 * Refused outright: the local-use NAT64 prefix 64:ff9b:1::/48 (it reaches whatever the local
 * translator reaches), deprecated IPv4-compatible ::a.b.c.d, and Teredo 2001::/32 (a NAT
 * traversal tunnel for client hosts, never a server endpoint, whose two obfuscated IPv4
 * addresses would be two more ways to smuggle a target).
 */
export function classifyAddress(ip: string): AddressVerdict {
  if (ip.includes('%')) return refused('address with a zone id');
  const family = isIP(ip);
  if (family === 4) return classifyIPv4(ipaddr.IPv4.parse(ip));
  if (family === 6) {
    const address = parseIPv6(ip);
    return address === null ? refused('not an IP address') : classifyIPv6(address);
  }
  return refused('not an IP address');
}

/**
 * ipaddr.js 2.5 reads the IPv4-compatible form "::a.b.c.d" as if it were the IPv4-mapped
 * "::ffff:a.b.c.d", so the address goes through the WHATWG serialisation first: all hex, no
 * dotted tail, which ipaddr.js reads correctly.
 */
function parseIPv6(ip: string): ipaddr.IPv6 | null {
  try {
    return ipaddr.IPv6.parse(new URL(`http://[${ip}]/`).hostname.slice(1, -1));
  } catch {
    return null;
  }
}

function classifyIPv4(address: ipaddr.IPv4): AddressVerdict {
  for (const [net, reason] of IPV4_REFUSED) {
    if (address.match(net)) return refused(reason);
  }
  const range: string = address.range();
  if (range !== 'unicast') return refused(LIBRARY_RANGE_REASONS[range] ?? `special-purpose address (${range})`);
  return PUBLIC;
}

function classifyIPv6(address: ipaddr.IPv6): AddressVerdict {
  if (address.match(IPV4_MAPPED)) {
    return throughEmbedded('IPv4-mapped address', address.toIPv4Address());
  }
  if (address.match(NAT64_WELL_KNOWN)) {
    return throughEmbedded('NAT64 address', lastThirtyTwoBits(address));
  }
  if (address.match(SIX_TO_FOUR)) {
    return throughEmbedded('6to4 address', sixToFourIPv4(address));
  }
  for (const [net, reason] of IPV6_REFUSED) {
    if (address.match(net)) return refused(reason);
  }
  if (!address.match(GLOBAL_UNICAST)) return refused('address outside the global unicast range 2000::/3');
  const range: string = address.range();
  if (range !== 'unicast') return refused(LIBRARY_RANGE_REASONS[range] ?? `special-purpose address (${range})`);
  return PUBLIC;
}

function throughEmbedded(kind: string, embedded: ipaddr.IPv4): AddressVerdict {
  const verdict = classifyIPv4(embedded);
  if (verdict.public) return PUBLIC;
  return refused(`${kind} embedding ${verdict.reason} ${embedded.toString()}`);
}

function lastThirtyTwoBits(address: ipaddr.IPv6): ipaddr.IPv4 {
  return wordsToIPv4(address.parts[6], address.parts[7]);
}

function sixToFourIPv4(address: ipaddr.IPv6): ipaddr.IPv4 {
  return wordsToIPv4(address.parts[1], address.parts[2]);
}

function wordsToIPv4(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

function refused(reason: string): AddressVerdict {
  return { public: false, reason };
}
