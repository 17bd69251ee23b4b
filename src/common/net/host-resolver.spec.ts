import { HostLookup, HostResolutionError, HostResolver, parseDnsOverrides, RFC2606_ADDRESSES } from './host-resolver';

/** A lookup that answers from a table and fails like getaddrinfo for anything else. */
function tableLookup(table: Record<string, string[]>): HostLookup & jest.Mock {
  return jest.fn(async (host: string) => {
    const answer = table[host];
    if (answer) return answer;
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  });
}

const noDns = (): HostLookup & jest.Mock => tableLookup({});

describe('parseDnsOverrides', () => {
  it('parses host=ip pairs', () => {
    expect(parseDnsOverrides('example.com=93.184.215.14,cb.example.org=2606:4700::6810:84e5')).toEqual(
      new Map([
        ['example.com', ['93.184.215.14']],
        ['cb.example.org', ['2606:4700::6810:84e5']],
      ]),
    );
  });

  it('gives a repeated host several addresses, in order, without duplicates', () => {
    expect(parseDnsOverrides('rebind.example.com=93.184.215.14,rebind.example.com=10.0.0.1,REBIND.example.com.=93.184.215.14')).toEqual(
      new Map([['rebind.example.com', ['93.184.215.14', '10.0.0.1']]]),
    );
  });

  it('compares hosts case-insensitively and without a trailing dot', () => {
    expect(parseDnsOverrides('Api.Example.COM.=1.2.3.4')).toEqual(new Map([['api.example.com', ['1.2.3.4']]]));
  });

  it('tolerates whitespace and empty entries', () => {
    expect(parseDnsOverrides('  a.test = 1.2.3.4 ,\n b.test=[2001:4860::1] , , ')).toEqual(
      new Map([
        ['a.test', ['1.2.3.4']],
        ['b.test', ['2001:4860::1']],
      ]),
    );
  });

  it('answers an empty map for an empty spec', () => {
    expect(parseDnsOverrides('')).toEqual(new Map());
    expect(parseDnsOverrides('   ')).toEqual(new Map());
  });

  it('converts an internationalised host to its ASCII form, as URL hostnames are', () => {
    expect(parseDnsOverrides('bücher.example=1.2.3.4')).toEqual(new Map([['xn--bcher-kva.example', ['1.2.3.4']]]));
  });

  it.each([
    ['example.com', 'example.com'],
    ['good.test=1.2.3.4,bad.test', 'bad.test'],
    ['example.com=', 'example.com='],
    ['=1.2.3.4', '=1.2.3.4'],
    ['example.com=not-an-ip', 'example.com=not-an-ip'],
    ['example.com=127.1', 'example.com=127.1'],
    ['example.com=0x7f.1', 'example.com=0x7f.1'],
    ['example.com=256.1.1.1', 'example.com=256.1.1.1'],
    ['example.com=1::2::3', 'example.com=1::2::3'],
    ['example.com=1.2.3.4=5.6.7.8', 'example.com=1.2.3.4=5.6.7.8'],
    ['exa mple.com=1.2.3.4', 'exa mple.com=1.2.3.4'],
    ['example.com/x=1.2.3.4', 'example.com/x=1.2.3.4'],
    ['a..b=1.2.3.4', 'a..b=1.2.3.4'],
    ['1.2.3.4=5.6.7.8', '1.2.3.4=5.6.7.8'],
    ['[::1]=5.6.7.8', '[::1]=5.6.7.8'],
  ])('refuses %j, naming the bad entry', (spec, entry) => {
    expect(() => parseDnsOverrides(spec)).toThrow(`"${entry}"`);
  });
});

describe('HostResolver', () => {
  it('answers an override without asking DNS', async () => {
    const lookup = tableLookup({ 'example.com': ['203.0.113.99'] });
    const resolver = new HostResolver(parseDnsOverrides('example.com=93.184.215.14'), lookup);
    await expect(resolver.resolve('example.com')).resolves.toEqual(['93.184.215.14']);
    expect(lookup).not.toHaveBeenCalled();
  });

  it('matches overrides case-insensitively and with or without a trailing dot', async () => {
    const resolver = new HostResolver(parseDnsOverrides('example.com=93.184.215.14'), noDns());
    await expect(resolver.resolve('EXAMPLE.com')).resolves.toEqual(['93.184.215.14']);
    await expect(resolver.resolve('example.com.')).resolves.toEqual(['93.184.215.14']);
  });

  it('normalises the keys of an override map built by hand', async () => {
    const resolver = new HostResolver(new Map([['Example.COM.', ['93.184.215.14']]]), noDns());
    await expect(resolver.resolve('example.com')).resolves.toEqual(['93.184.215.14']);
  });

  it('refuses a hand-built override map with an invalid address', () => {
    expect(() => new HostResolver(new Map([['example.com', ['nope']]]), noDns())).toThrow('"nope"');
  });

  it('answers every address of a repeated override', async () => {
    const resolver = new HostResolver(parseDnsOverrides('rebind.example.com=93.184.215.14,rebind.example.com=10.0.0.1'), noDns());
    await expect(resolver.resolve('rebind.example.com')).resolves.toEqual(['93.184.215.14', '10.0.0.1']);
  });

  it('does not let callers change the overrides through an answer', async () => {
    const resolver = new HostResolver(parseDnsOverrides('example.com=93.184.215.14'), noDns());
    (await resolver.resolve('example.com')).push('10.0.0.1');
    await expect(resolver.resolve('example.com')).resolves.toEqual(['93.184.215.14']);
  });

  it.each([
    ['93.184.215.14', '93.184.215.14'],
    ['127.0.0.1', '127.0.0.1'],
    ['2606:4700::6810:84e5', '2606:4700::6810:84e5'],
    ['[2606:4700::6810:84e5]', '2606:4700::6810:84e5'],
    ['[::1]', '::1'],
  ])('resolves the IP literal %s to itself without asking DNS', async (host, address) => {
    const lookup = noDns();
    const resolver = new HostResolver(new Map(), lookup);
    await expect(resolver.resolve(host)).resolves.toEqual([address]);
    expect(lookup).not.toHaveBeenCalled();
  });

  it('asks the lookup for a name without an override, keeping a trailing dot', async () => {
    const lookup = tableLookup({ 'cdn.example.net': ['93.184.215.14', '2606:4700::6810:84e5', '93.184.215.14'] });
    const resolver = new HostResolver(new Map(), lookup);
    await expect(resolver.resolve('CDN.example.net')).resolves.toEqual(['93.184.215.14', '2606:4700::6810:84e5']);
    expect(lookup).toHaveBeenLastCalledWith('cdn.example.net');
    await expect(resolver.resolve('cdn.example.net.')).rejects.toThrow(HostResolutionError);
    expect(lookup).toHaveBeenLastCalledWith('cdn.example.net.');
  });

  it('turns a lookup failure into HostResolutionError naming the host', async () => {
    const resolver = new HostResolver(new Map(), noDns());
    const failure = resolver.resolve('nowhere.invalid');
    await expect(failure).rejects.toThrow(HostResolutionError);
    await expect(failure).rejects.toMatchObject({ hostname: 'nowhere.invalid', message: expect.stringContaining('ENOTFOUND') });
  });

  it('turns a lookup that throws synchronously into HostResolutionError', async () => {
    const resolver = new HostResolver(new Map(), () => {
      throw new Error('boom');
    });
    await expect(resolver.resolve('example.com')).rejects.toThrow(HostResolutionError);
  });

  it('turns an empty answer into HostResolutionError', async () => {
    const resolver = new HostResolver(new Map(), tableLookup({ 'empty.test': [] }));
    await expect(resolver.resolve('empty.test')).rejects.toThrow(HostResolutionError);
  });

  it('turns an answer that is not an IP address into HostResolutionError', async () => {
    const resolver = new HostResolver(new Map(), tableLookup({ 'junk.test': ['93.184.215.14', 'localhost'] }));
    await expect(resolver.resolve('junk.test')).rejects.toThrow(HostResolutionError);
  });

  it('gives up on a lookup that does not answer in time', async () => {
    const never: HostLookup = () => new Promise<string[]>(() => undefined);
    const resolver = new HostResolver(new Map(), never, 20);
    await expect(resolver.resolve('slow.test')).rejects.toThrow(/timed out after 20 ms/);
  });

  it.each(['', '   ', '[]', '[1.2.3.4]', '[::1', 'exa mple.com', 'a/b', 'user@example.com'])('refuses %j without asking DNS', async (host) => {
    const lookup = noDns();
    const resolver = new HostResolver(new Map(), lookup);
    await expect(resolver.resolve(host)).rejects.toThrow(HostResolutionError);
    expect(lookup).not.toHaveBeenCalled();
  });
});

describe('HostResolver with the RFC 2606 answers of sandbox mode', () => {
  const failingLookup: HostLookup = async () => {
    throw new Error('no DNS here');
  };

  it('answers example.com and its subdomains without DNS', async () => {
    const r = new HostResolver(new Map(), failingLookup, 100, RFC2606_ADDRESSES);
    await expect(r.resolve('example.com')).resolves.toEqual(RFC2606_ADDRESSES.get('example.com'));
    await expect(r.resolve('hooks.Example.ORG.')).resolves.toEqual(RFC2606_ADDRESSES.get('example.org'));
  });

  it('lets an explicit override win over the example answers', async () => {
    const r = new HostResolver(new Map([['example.com', ['203.0.113.9']]]), failingLookup, 100, RFC2606_ADDRESSES);
    await expect(r.resolve('example.com')).resolves.toEqual(['203.0.113.9']);
  });

  it('does not answer look-alike names', async () => {
    const r = new HostResolver(new Map(), failingLookup, 100, RFC2606_ADDRESSES);
    await expect(r.resolve('notexample.com')).rejects.toBeInstanceOf(HostResolutionError);
  });
});
