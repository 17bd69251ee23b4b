import { HostResolver, parseDnsOverrides } from './host-resolver';
import { checkPublicHttpsUrl, checkPublicUrl, UrlPolicy } from './public-url';

const OVERRIDES = [
  'example.com=93.184.215.14',
  'cb.example.org=2606:4700::6810:84e5',
  'dual.example.net=93.184.215.14',
  'dual.example.net=2606:4700::6810:84e5',
  'xn--bcher-kva.example=93.184.215.14',
  'rebind.example.com=93.184.215.14',
  'rebind.example.com=10.0.0.1',
  'rebind6.example.com=2606:4700::6810:84e5',
  'rebind6.example.com=fe80::1',
  'internal.example.com=192.168.1.10',
  'loopback.example.com=127.0.0.1',
  'metadata.example.com=169.254.169.254',
  'v6loop.example.com=::1',
  'mapped.example.com=::ffff:127.0.0.1',
  'ula.example.com=fd00::1',
  'cgnat.example.com=100.64.0.1',
  'nat64.example.com=64:ff9b::a00:1',
  'zero.example.com=0.0.0.0',
  'localhost=93.184.215.14',
  'app.localhost=93.184.215.14',
].join(',');

/** Fails like getaddrinfo for every name: only overrides resolve, so no real DNS is ever asked. */
const lookup = jest.fn(async (host: string): Promise<string[]> => {
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
});

const resolver = new HostResolver(parseDnsOverrides(OVERRIDES), lookup);

beforeEach(() => lookup.mockClear());

describe('checkPublicHttpsUrl accepts https URLs whose host is public', () => {
  it.each([
    ['https://example.com/volcark/callback', 'https://example.com/volcark/callback'],
    ['https://example.com', 'https://example.com'],
    ['https://example.com:8443/cb', 'https://example.com:8443/cb'],
    ['https://example.com:443/cb', 'https://example.com:443/cb'],
    ['https://example.com/cb?task=cgt-1&sig=abc', 'https://example.com/cb?task=cgt-1&sig=abc'],
    ['https://example.com/cb#done', 'https://example.com/cb#done'],
    ['https://EXAMPLE.COM/cb', 'https://EXAMPLE.COM/cb'],
    ['HTTPS://Example.Com/cb', 'HTTPS://Example.Com/cb'],
    ['https://example.com./cb', 'https://example.com./cb'],
    ['https://cb.example.org/hook', 'https://cb.example.org/hook'],
    ['https://dual.example.net/hook', 'https://dual.example.net/hook'],
    ['https://bücher.example/cb', 'https://bücher.example/cb'],
    ['https://[2606:4700::6810:84e5]/cb', 'https://[2606:4700::6810:84e5]/cb'],
    ['https://[2606:4700:0:0:0:0:6810:84e5]:8443/cb', 'https://[2606:4700:0:0:0:0:6810:84e5]:8443/cb'],
    ['https://93.184.215.14/cb', 'https://93.184.215.14/cb'],
    ['https://93.184.215.14:8443/cb', 'https://93.184.215.14:8443/cb'],
    ['https://[::ffff:93.184.215.14]/cb', 'https://[::ffff:93.184.215.14]/cb'],
    ['https://[64:ff9b::5db8:d70e]/cb', 'https://[64:ff9b::5db8:d70e]/cb'],
    ['https://[2002:5db8:d70e::1]/cb', 'https://[2002:5db8:d70e::1]/cb'],
    [' https://example.com/cb ', 'https://example.com/cb'],
    ['\t\nhttps://example.com/cb\r\n', 'https://example.com/cb'],
  ])('%j', async (raw, url) => {
    await expect(checkPublicHttpsUrl(raw, resolver)).resolves.toEqual({ ok: true, url });
  });
});

describe('checkPublicHttpsUrl refuses', () => {
  it.each<[string, unknown, string]>([
    // not a non-empty string
    ['a number', 42, 'callback_url must be a string'],
    ['null', null, 'callback_url must be a string'],
    ['undefined', undefined, 'callback_url must be a string'],
    ['a boolean', true, 'callback_url must be a string'],
    ['an object', { url: 'https://example.com/cb' }, 'callback_url must be a string'],
    ['an array', ['https://example.com/cb'], 'callback_url must be a string'],
    ['an empty string', '', 'callback_url must not be empty'],
    ['whitespace', '   ', 'callback_url must not be empty'],
    ['tabs and newlines', '\t\r\n', 'callback_url must not be empty'],
    // not a URL
    ['a bare host', 'example.com/cb', 'callback_url is not a valid URL'],
    ['a scheme-relative URL', '//example.com/cb', 'callback_url is not a valid URL'],
    ['https:// alone', 'https://', 'callback_url is not a valid URL'],
    ['an unclosed IPv6 literal', 'https://[::1/cb', 'callback_url is not a valid URL'],
    ['an IPv6 zone id', 'https://[fe80::1%25eth0]/cb', 'callback_url is not a valid URL'],
    ['an IPv4 octet over 255', 'https://1.2.3.256/cb', 'callback_url is not a valid URL'],
    ['a port out of range', 'https://example.com:99999/cb', 'callback_url is not a valid URL'],
    // not https
    ['http', 'http://example.com/cb', 'callback_url must use https'],
    ['ftp', 'ftp://example.com/cb', 'callback_url must use https'],
    ['ws', 'ws://example.com/cb', 'callback_url must use https'],
    ['wss', 'wss://example.com/cb', 'callback_url must use https'],
    ['file', 'file:///etc/passwd', 'callback_url must use https'],
    ['javascript', 'javascript:alert(1)', 'callback_url must use https'],
    ['data', 'data:text/plain,hello', 'callback_url must use https'],
    ['a look-alike scheme', 'httpss://example.com/cb', 'callback_url must use https'],
    // credentials
    ['user and password', 'https://user:pass@example.com/cb', 'callback_url must not contain a user name or password'],
    ['a user', 'https://user@example.com/cb', 'callback_url must not contain a user name or password'],
    ['a password', 'https://:pass@example.com/cb', 'callback_url must not contain a user name or password'],
    ['an empty user', 'https://@example.com/cb', 'callback_url must not contain a user name or password'],
    ['a public name as user', 'https://example.com@127.0.0.1/cb', 'callback_url must not contain a user name or password'],
    // forms other URL parsers read differently
    ['no host', 'https:///nohost', 'callback_url must have a host'],
    ['no slashes', 'https:example.com/cb', 'callback_url must start with https:// followed by a host'],
    ['one slash', 'https:/example.com/cb', 'callback_url must start with https:// followed by a host'],
    ['a backslash before @', 'https://example.com\\@127.0.0.1/cb', 'must not contain whitespace, control characters or backslashes'],
    ['backslashes for slashes', 'https:\\\\example.com\\cb', 'must not contain whitespace, control characters or backslashes'],
    ['a tab in the host', 'https://exa\tmple.com/cb', 'must not contain whitespace, control characters or backslashes'],
    ['a space in the path', 'https://example.com/a b', 'must not contain whitespace, control characters or backslashes'],
    ['a NUL', 'https://example.com/\u0000', 'must not contain whitespace, control characters or backslashes'],
    ['octal for a public IPv4', 'https://010.0.0.1/cb', 'must be written as a plain dotted-decimal IPv4 address (it reads as 8.0.0.1)'],
    ['hex for a public IPv4', 'https://0x5d.0xb8.0xd7.0x0e/cb', 'must be written as a plain dotted-decimal IPv4 address (it reads as 93.184.215.14)'],
    ['one number for a public IPv4', 'https://1572394766/cb', 'must be written as a plain dotted-decimal IPv4 address (it reads as 93.184.215.14)'],
    ['a trailing dot after a public IPv4', 'https://93.184.215.14./cb', 'must be written as a plain dotted-decimal IPv4 address (it reads as 93.184.215.14)'],
    // localhost by name
    ['localhost', 'https://localhost/cb', 'callback_url host must not be localhost'],
    ['localhost with a port', 'https://localhost:3000/cb', 'callback_url host must not be localhost'],
    ['LOCALHOST.', 'https://LOCALHOST./cb', 'callback_url host must not be localhost'],
    ['a .localhost name', 'https://app.localhost/cb', 'callback_url host must not be localhost'],
    // IPv4 literals, however written
    ['127.0.0.1', 'https://127.0.0.1/cb', 'host is a non-public address (127.0.0.1: loopback address)'],
    ['127.0.0.1 with a port', 'https://127.0.0.1:8443/cb', '(127.0.0.1: loopback address)'],
    ['a decimal loopback', 'https://2130706433', '(127.0.0.1: loopback address)'],
    ['a hex shorthand loopback', 'https://0x7f.1', '(127.0.0.1: loopback address)'],
    ['a hex loopback', 'https://0x7f000001', '(127.0.0.1: loopback address)'],
    ['an octal loopback', 'https://017700000001', '(127.0.0.1: loopback address)'],
    ['a shorthand loopback', 'https://127.1', '(127.0.0.1: loopback address)'],
    ['a percent-encoded loopback', 'https://%31%32%37.0.0.1/cb', '(127.0.0.1: loopback address)'],
    ['a full-width loopback', 'https://１２７.０.０.１/cb', '(127.0.0.1: loopback address)'],
    ['a loopback with a trailing dot', 'https://127.0.0.1./cb', '(127.0.0.1: loopback address)'],
    ['0', 'https://0', '(0.0.0.0: unspecified address)'],
    ['0.0.0.0', 'https://0.0.0.0/cb', '(0.0.0.0: unspecified address)'],
    ['cloud metadata', 'https://169.254.169.254/latest/meta-data', '(169.254.169.254: link-local address)'],
    ['10/8', 'https://10.0.0.1/cb', '(10.0.0.1: private address)'],
    ['172.16/12', 'https://172.16.0.1/cb', '(172.16.0.1: private address)'],
    ['192.168/16', 'https://192.168.1.1/cb', '(192.168.1.1: private address)'],
    ['CGNAT', 'https://100.64.0.1/cb', '(100.64.0.1: carrier-grade NAT address)'],
    ['documentation', 'https://192.0.2.1/cb', '(192.0.2.1: documentation address)'],
    ['benchmarking', 'https://198.18.0.1/cb', '(198.18.0.1: benchmarking address)'],
    ['IETF protocol assignments', 'https://192.0.0.170/cb', '(192.0.0.170: IETF protocol assignment address)'],
    ['multicast', 'https://224.0.0.1/cb', '(224.0.0.1: multicast address)'],
    ['broadcast', 'https://255.255.255.255/cb', '(255.255.255.255: broadcast address)'],
    ['reserved', 'https://240.0.0.1/cb', '(240.0.0.1: reserved address)'],
    // IPv6 literals
    ['::1', 'https://[::1]/cb', 'host is a non-public address ([::1]: loopback address)'],
    ['::1 written out', 'https://[0:0:0:0:0:0:0:1]/cb', '([::1]: loopback address)'],
    ['::', 'https://[::]/cb', '([::]: unspecified address)'],
    ['IPv4-mapped loopback', 'https://[::ffff:127.0.0.1]/cb', 'IPv4-mapped address embedding loopback address 127.0.0.1'],
    ['IPv4-mapped loopback in hex', 'https://[::ffff:7f00:1]/cb', 'IPv4-mapped address embedding loopback address 127.0.0.1'],
    ['IPv4-mapped private', 'https://[::ffff:10.0.0.1]/cb', 'IPv4-mapped address embedding private address 10.0.0.1'],
    ['IPv4-compatible', 'https://[::127.0.0.1]/cb', 'deprecated IPv4-compatible address'],
    ['IPv4-compatible public', 'https://[::93.184.215.14]/cb', 'deprecated IPv4-compatible address'],
    ['NAT64 loopback', 'https://[64:ff9b::7f00:1]/cb', 'NAT64 address embedding loopback address 127.0.0.1'],
    ['NAT64 local-use prefix', 'https://[64:ff9b:1::5db8:d70e]/cb', 'local-use NAT64 address'],
    ['6to4 loopback', 'https://[2002:7f00:1::]/cb', '6to4 address embedding loopback address 127.0.0.1'],
    ['6to4 private', 'https://[2002:c0a8:0101::1]/cb', '6to4 address embedding private address 192.168.1.1'],
    ['Teredo with a private client', 'https://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/cb', 'Teredo tunnel address'],
    ['link-local', 'https://[fe80::1]/cb', 'link-local address'],
    ['unique-local', 'https://[fc00::1]/cb', 'unique-local address'],
    ['cloud metadata over IPv6', 'https://[fd00:ec2::254]/latest/meta-data', 'unique-local address'],
    ['site-local', 'https://[fec0::1]/cb', 'site-local address'],
    ['multicast', 'https://[ff02::1]/cb', 'multicast address'],
    ['documentation', 'https://[2001:db8::1]/cb', 'documentation address'],
    ['discard', 'https://[100::1]/cb', 'discard-only address'],
    ['outside 2000::/3', 'https://[4000::1]/cb', 'address outside the global unicast range 2000::/3'],
    // names
    ['an unresolvable name', 'https://nowhere.invalid/cb', 'callback_url host could not be resolved (nowhere.invalid)'],
    ['an unknown subdomain', 'https://unknown.example.com/cb', 'callback_url host could not be resolved (unknown.example.com)'],
    ['a wildcard-DNS loopback name', 'https://127.0.0.1.nip.io/cb', 'callback_url host could not be resolved (127.0.0.1.nip.io)'],
    ['a name with one private address among public ones', 'https://rebind.example.com/cb', 'host resolves to a non-public address (10.0.0.1: private address)'],
    ['a name with one link-local IPv6 among public ones', 'https://rebind6.example.com/cb', '(fe80::1: link-local address)'],
    ['a name resolving to a private address', 'https://internal.example.com/cb', '(192.168.1.10: private address)'],
    ['the same, uppercase with a trailing dot', 'https://INTERNAL.EXAMPLE.COM./cb', '(192.168.1.10: private address)'],
    ['a name resolving to loopback', 'https://loopback.example.com/cb', '(127.0.0.1: loopback address)'],
    ['the same, mixed case with a trailing dot', 'https://Loopback.Example.com./cb', '(127.0.0.1: loopback address)'],
    ['a name resolving to cloud metadata', 'https://metadata.example.com/latest/meta-data', '(169.254.169.254: link-local address)'],
    ['a name resolving to ::1', 'https://v6loop.example.com/cb', '(::1: loopback address)'],
    ['a name resolving to an IPv4-mapped loopback', 'https://mapped.example.com/cb', 'IPv4-mapped address embedding loopback address 127.0.0.1'],
    ['a name resolving to unique-local', 'https://ula.example.com/cb', '(fd00::1: unique-local address)'],
    ['a name resolving to CGNAT', 'https://cgnat.example.com/cb', '(100.64.0.1: carrier-grade NAT address)'],
    ['a name resolving to NAT64 of a private address', 'https://nat64.example.com/cb', 'NAT64 address embedding private address 10.0.0.1'],
    ['a name resolving to 0.0.0.0', 'https://zero.example.com/cb', '(0.0.0.0: unspecified address)'],
  ])('%s: %j', async (_label, raw, reason) => {
    const result = await checkPublicHttpsUrl(raw, resolver);
    expect(result).toEqual({ ok: false, reason: expect.stringContaining(reason) });
    if (!result.ok) expect(result.reason).toMatch(/^callback_url /);
  });
});

describe('checkPublicHttpsUrl', () => {
  it('judges IP literals without asking DNS', async () => {
    await checkPublicHttpsUrl('https://93.184.215.14/cb', resolver);
    await checkPublicHttpsUrl('https://[2606:4700::6810:84e5]/cb', resolver);
    await checkPublicHttpsUrl('https://0x7f.1/cb', resolver);
    expect(lookup).not.toHaveBeenCalled();
  });

  it('asks the resolver for the parsed host name, not the string as written', async () => {
    await checkPublicHttpsUrl('https://Nowhere.Example.net/cb', resolver);
    expect(lookup).toHaveBeenCalledWith('nowhere.example.net');
  });

  it('names the field it was given in reasons', async () => {
    await expect(checkPublicHttpsUrl('http://example.com/cb', resolver, 'CallbackURL')).resolves.toEqual({
      ok: false,
      reason: 'CallbackURL must use https',
    });
  });

  it('lets an unexpected resolver failure through instead of calling it unresolvable', async () => {
    const broken = new HostResolver(new Map(), lookup);
    jest.spyOn(broken, 'resolve').mockRejectedValue(new TypeError('bug'));
    await expect(checkPublicHttpsUrl('https://example.com/cb', broken)).rejects.toThrow('bug');
  });
});

describe('checkPublicUrl ports (docs/contract.md §10: 443 or ARKGATE_ALLOWED_URL_PORTS, judged on the effective port)', () => {
  const callback: UrlPolicy = { field: 'callback_url', schemes: ['https'], ports: [443, 8443] };
  const media: UrlPolicy = { field: 'content[1].video_url.url', schemes: ['http', 'https'], ports: [443, 8443] };

  it.each([
    ['no port (https implies 443)', 'https://example.com/cb'],
    ['an explicit default port', 'https://example.com:443/cb'],
    ['an allowed port', 'https://example.com:8443/cb'],
    ['an IPv6 literal with an allowed port', 'https://[2606:4700::6810:84e5]:8443/cb'],
    ['an IPv6 literal with the default port', 'https://[2606:4700::6810:84e5]:443/cb'],
    ['an IPv4 literal with an allowed port', 'https://93.184.215.14:8443/cb'],
  ])('accepts %s', async (_label, raw) => {
    await expect(checkPublicUrl(raw, resolver, callback)).resolves.toEqual({ ok: true, url: raw });
  });

  it.each([
    ['a Redis port', 'https://example.com:6379/', 'callback_url port 6379 is not allowed (allowed: 443, 8443)'],
    ['port 80 on https', 'https://example.com:80/cb', 'port 80 is not allowed'],
    ['an SSH port', 'https://example.com:22/cb', 'port 22 is not allowed'],
    ['an IPv6 literal with a refused port', 'https://[2606:4700::6810:84e5]:6379/cb', 'port 6379 is not allowed'],
    ['an IPv4 literal with a refused port', 'https://93.184.215.14:6379/cb', 'port 6379 is not allowed'],
    ['a leading zero', 'https://example.com:0443/cb', 'port must be written as a plain decimal number (got "0443")'],
    ['a bare colon', 'https://example.com:/cb', 'port must be written as a plain decimal number (got "")'],
    ['an allowed port as user name before the real one', 'https://example.com:8443@example.com:6379/cb', 'must not contain a user name or password'],
    ['a host:port as user name', 'https://example.com:443@10.0.0.1/cb', 'must not contain a user name or password'],
    ['port 0', 'https://example.com:0/cb', 'port must be written as a plain decimal number'],
  ])('refuses %s', async (_label, raw, reason) => {
    expect(await checkPublicUrl(raw, resolver, callback)).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });

  it('judges the port without asking DNS', async () => {
    await checkPublicUrl('https://unknown.example.com:6379/cb', resolver, callback);
    expect(lookup).not.toHaveBeenCalled();
  });

  it('a configured list replaces 8443 (443 stays because the config always adds it)', async () => {
    const custom: UrlPolicy = { ...callback, ports: [443, 9443] };
    expect((await checkPublicUrl('https://example.com:9443/cb', resolver, custom)).ok).toBe(true);
    expect(await checkPublicUrl('https://example.com:8443/cb', resolver, custom)).toEqual({
      ok: false,
      reason: 'callback_url port 8443 is not allowed (allowed: 443, 9443)',
    });
  });

  describe('content media may be http: port 80 (its default) is allowed besides the list', () => {
    it.each([
      'http://example.com/in.mp4',
      'http://example.com:80/in.mp4',
      'http://example.com:8443/in.mp4',
      'https://example.com/in.mp4',
      'HTTP://example.com/in.mp4',
    ])('accepts %s', async (raw) => {
      expect((await checkPublicUrl(raw, resolver, media)).ok).toBe(true);
    });

    it.each([
      ['http://example.com:6379/in.mp4', 'content[1].video_url.url port 6379 is not allowed (allowed: 80, 443, 8443)'],
      ['https://example.com:80/in.mp4', 'content[1].video_url.url port 80 is not allowed (allowed: 443, 8443)'],
      ['http://169.254.169.254/latest/meta-data/', 'content[1].video_url.url host is a non-public address (169.254.169.254: link-local address)'],
      ['http://metadata.example.com/latest/meta-data/', '(169.254.169.254: link-local address)'],
      ['http://[::ffff:169.254.169.254]/latest/meta-data/', 'IPv4-mapped address embedding link-local address 169.254.169.254'],
      ['ftp://example.com/in.mp4', 'content[1].video_url.url must use http or https'],
      ['http:example.com/in.mp4', 'must start with http:// followed by a host'],
    ])('refuses %s', async (raw, reason) => {
      expect(await checkPublicUrl(raw, resolver, media)).toEqual({ ok: false, reason: expect.stringContaining(reason) });
    });
  });

  it('callback and asset URLs stay https-only', async () => {
    expect(await checkPublicUrl('http://example.com/cb', resolver, callback)).toEqual({ ok: false, reason: 'callback_url must use https' });
  });
});
