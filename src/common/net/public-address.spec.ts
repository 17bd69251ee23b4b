import { classifyAddress } from './public-address';

describe('classifyAddress', () => {
  describe('public IPv4 unicast is accepted', () => {
    it.each([
      '93.184.215.14',
      '8.8.8.8',
      '1.1.1.1',
      '9.255.255.255',
      '11.0.0.0',
      '100.63.255.255',
      '100.128.0.0',
      '126.255.255.255',
      '128.0.0.1',
      '169.253.255.255',
      '169.255.0.1',
      '172.15.255.255',
      '172.32.0.0',
      '192.0.1.1',
      '192.0.3.1',
      '192.88.98.1',
      '192.167.255.255',
      '192.169.0.0',
      '198.17.255.255',
      '198.20.0.0',
      '198.51.99.1',
      '203.0.112.1',
      '223.255.255.255',
    ])('%s', (ip) => {
      expect(classifyAddress(ip)).toEqual({ public: true });
    });
  });

  describe('special-purpose IPv4 is refused with its reason', () => {
    it.each([
      ['0.0.0.0', 'unspecified address'],
      ['0.255.255.255', 'unspecified address'],
      ['127.0.0.1', 'loopback address'],
      ['127.255.255.254', 'loopback address'],
      ['10.0.0.1', 'private address'],
      ['10.255.255.255', 'private address'],
      ['172.16.0.1', 'private address'],
      ['172.31.255.255', 'private address'],
      ['192.168.0.1', 'private address'],
      ['192.168.255.255', 'private address'],
      ['169.254.169.254', 'link-local address'],
      ['100.64.0.1', 'carrier-grade NAT address'],
      ['100.127.255.255', 'carrier-grade NAT address'],
      ['224.0.0.1', 'multicast address'],
      ['239.255.255.250', 'multicast address'],
      ['255.255.255.255', 'broadcast address'],
      ['240.0.0.1', 'reserved address'],
      ['255.255.255.254', 'reserved address'],
      ['192.0.0.1', 'IETF protocol assignment address'],
      ['192.0.0.9', 'IETF protocol assignment address'],
      ['192.0.0.170', 'IETF protocol assignment address'],
      ['192.0.2.1', 'documentation address'],
      ['198.51.100.1', 'documentation address'],
      ['203.0.113.255', 'documentation address'],
      ['198.18.0.1', 'benchmarking address'],
      ['198.19.255.255', 'benchmarking address'],
      ['192.88.99.1', '6to4 relay anycast address'],
      ['192.88.99.2', '6to4 relay anycast address'],
      ['192.31.196.1', 'AS112 anycast address'],
      ['192.175.48.1', 'AS112 anycast address'],
      ['192.52.193.1', 'AMT relay anycast address'],
    ])('%s is a %s', (ip, reason) => {
      expect(classifyAddress(ip)).toEqual({ public: false, reason });
    });
  });

  describe('public IPv6 global unicast is accepted', () => {
    it.each([
      '2606:4700::6810:84e5',
      '2001:4860:4860::8888',
      '2a00:1450:4001:80b::200e',
      '2001:200::1',
      '2620:4f:7fff::1',
      '3ffe::1',
      '3fff:1000::1',
      '2000::1',
    ])('%s', (ip) => {
      expect(classifyAddress(ip)).toEqual({ public: true });
    });
  });

  describe('special-purpose IPv6 is refused with its reason', () => {
    it.each([
      ['::', 'unspecified address'],
      ['::1', 'loopback address'],
      ['0:0:0:0:0:0:0:1', 'loopback address'],
      ['fe80::1', 'link-local address'],
      ['febf::1', 'link-local address'],
      ['fc00::1', 'unique-local address'],
      ['fd12:3456:789a::1', 'unique-local address'],
      ['fec0::1', 'site-local address'],
      ['ff02::1', 'multicast address'],
      ['ff0e::101', 'multicast address'],
      ['2001:db8::1', 'documentation address'],
      ['3fff::1', 'documentation address'],
      ['3fff:fff:ffff::1', 'documentation address'],
      ['2001:2::1', 'benchmarking address'],
      ['2001:10::1', 'ORCHID address'],
      ['2001:20::1', 'ORCHID address'],
      ['100::1', 'discard-only address'],
      ['2001:1::1', 'IETF protocol assignment address'],
      ['2001:3::1', 'IETF protocol assignment address'],
      ['2001:4:112::1', 'IETF protocol assignment address'],
      ['2001:30::1', 'IETF protocol assignment address'],
      ['2620:4f:8000::1', 'AS112 anycast address'],
      ['::7f00:1', 'deprecated IPv4-compatible address'],
      // ipaddr.js alone would read the dotted forms as IPv4-mapped
      ['::8.8.8.8', 'deprecated IPv4-compatible address'],
      ['::127.0.0.1', 'deprecated IPv4-compatible address'],
      ['::ffff:0:8.8.8.8', 'IPv4-translated address'],
      ['64:ff9b:1::808:808', 'local-use NAT64 address'],
      ['64:ff9b:1:ffff::1', 'local-use NAT64 address'],
    ])('%s is a %s', (ip, reason) => {
      expect(classifyAddress(ip)).toEqual({ public: false, reason });
    });
  });

  describe('everything outside 2000::/3 is refused', () => {
    it.each(['1::1', '4000::1', '5f00::1', 'e000::1', '1fff:ffff::1', '4:ff9b::1', '64:ff9b:0:0:1::1'])('%s', (ip) => {
      expect(classifyAddress(ip)).toEqual({
        public: false,
        reason: 'address outside the global unicast range 2000::/3',
      });
    });
  });

  describe('Teredo 2001::/32 is refused outright, whatever it embeds', () => {
    it.each([
      // server 65.54.227.120, client 10.0.0.1 (0xf5ff:fffe is 10.0.0.1 xor 0xffffffff)
      '2001:0:4136:e378:8000:63bf:f5ff:fffe',
      // server 65.54.227.120, client 192.0.2.45
      '2001:0:4136:e378:8000:63bf:3fff:fdd2',
      // server 127.0.0.1
      '2001:0:7f00:1::1',
      // server and client public
      '2001:0:4136:e378:8000:63bf:a2f6:2af1',
    ])('%s', (ip) => {
      expect(classifyAddress(ip)).toEqual({ public: false, reason: 'Teredo tunnel address' });
    });
  });

  describe('IPv6 carrying an IPv4 address is judged by that address', () => {
    it.each([
      ['::ffff:93.184.215.14'],
      ['::ffff:5db8:d70e'],
      ['64:ff9b::93.184.215.14'],
      ['64:ff9b::5db8:d70e'],
      ['2002:5db8:d70e::1'],
      ['2002:5db8:d70e:1:2:3:4:5'],
    ])('%s with a public IPv4 is accepted', (ip) => {
      expect(classifyAddress(ip)).toEqual({ public: true });
    });

    it.each([
      ['::ffff:127.0.0.1', 'IPv4-mapped address embedding loopback address 127.0.0.1'],
      ['::ffff:7f00:1', 'IPv4-mapped address embedding loopback address 127.0.0.1'],
      ['::ffff:10.0.0.1', 'IPv4-mapped address embedding private address 10.0.0.1'],
      ['::ffff:169.254.169.254', 'IPv4-mapped address embedding link-local address 169.254.169.254'],
      ['::ffff:0.0.0.0', 'IPv4-mapped address embedding unspecified address 0.0.0.0'],
      ['64:ff9b::7f00:1', 'NAT64 address embedding loopback address 127.0.0.1'],
      ['64:ff9b::192.168.1.1', 'NAT64 address embedding private address 192.168.1.1'],
      ['64:ff9b::6440:1', 'NAT64 address embedding carrier-grade NAT address 100.64.0.1'],
      ['2002:7f00:1::', '6to4 address embedding loopback address 127.0.0.1'],
      ['2002:c0a8:0101::1', '6to4 address embedding private address 192.168.1.1'],
      ['2002:a9fe:a9fe::1', '6to4 address embedding link-local address 169.254.169.254'],
      ['2002:e000:1::1', '6to4 address embedding multicast address 224.0.0.1'],
      ['2002:c000:201::1', '6to4 address embedding documentation address 192.0.2.1'],
    ])('%s is refused (%s)', (ip, reason) => {
      expect(classifyAddress(ip)).toEqual({ public: false, reason });
    });
  });

  describe('anything that is not one standard-notation address is refused', () => {
    it.each([
      ['fe80::1%eth0', 'address with a zone id'],
      ['fe80::1%25eth0', 'address with a zone id'],
      ['2606:4700::6810:84e5%1', 'address with a zone id'],
      ['[::1]', 'not an IP address'],
      ['[2606:4700::6810:84e5]', 'not an IP address'],
      ['127.1', 'not an IP address'],
      ['0x7f.1', 'not an IP address'],
      ['2130706433', 'not an IP address'],
      ['017700000001', 'not an IP address'],
      ['010.0.0.1', 'not an IP address'],
      ['93.184.215.014', 'not an IP address'],
      ['1.2.3.256', 'not an IP address'],
      ['example.com', 'not an IP address'],
      ['', 'not an IP address'],
      [' 8.8.8.8', 'not an IP address'],
      ['1::2::3', 'not an IP address'],
      ['10.0.0.1/8', 'not an IP address'],
    ])('%j', (ip, reason) => {
      expect(classifyAddress(ip)).toEqual({ public: false, reason });
    });
  });
});
