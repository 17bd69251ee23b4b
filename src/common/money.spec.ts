import { chargeNano, formatUsd, parseUsd } from './money';

describe('exact money', () => {
  it('parses prices without floating point', () => {
    expect(parseUsd('7.0')).toBe(7_000_000_000n);
    expect(parseUsd('4.3')).toBe(4_300_000_000n);
    expect(parseUsd('0.000000001')).toBe(1n);
    expect(parseUsd('12')).toBe(12_000_000_000n);
  });

  it.each(['-1', '1.0000000001', 'abc', '', '1e3', '01.5', ' 7'])('refuses %p', (v) => {
    expect(() => parseUsd(v)).toThrow(RangeError);
  });

  it('formats nano-USD as a decimal string', () => {
    expect(formatUsd(0n)).toBe('0.00');
    expect(formatUsd(762_300_000n)).toBe('0.7623');
    expect(formatUsd(1_234_567_891n)).toBe('1.234567891');
    expect(formatUsd(5_000_000_000n)).toBe('5.00');
  });

  it('charges tokens × price exactly: the seed examples', () => {
    // 720p 16:9 5 s = 108900 tokens at $7.0/M = $0.7623
    expect(formatUsd(chargeNano(108_900, parseUsd('7.0')))).toBe('0.7623');
    // 480p 16:9 4 s = 40594 tokens at $5.6/M (fast) = $0.2273264
    expect(formatUsd(chargeNano(40_594, parseUsd('5.6')))).toBe('0.2273264');
    // 0.1 + 0.2 style drift cannot happen
    expect(chargeNano(1, parseUsd('0.1')) + chargeNano(1, parseUsd('0.2'))).toBe(chargeNano(1, parseUsd('0.3')));
  });

  it('rounds half up at the nano-USD', () => {
    expect(chargeNano(1, 500_000n)).toBe(1n);
    expect(chargeNano(1, 499_999n)).toBe(0n);
  });
});
