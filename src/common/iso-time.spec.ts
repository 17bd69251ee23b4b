import { isoTime, isoTimeOrNull } from './iso-time';

describe('isoTime', () => {
  it('writes exactly what toISOString writes, in runs of one day and across days, years and leap days', () => {
    const starts = [0, 951_782_400_000 /* 2000-02-29 */, 1_781_181_681_123, 1_796_041_492_909, 4_102_444_799_999 /* 2099-12-31 */];
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (const start of starts) {
      let t = start;
      for (let i = 0; i < 5_000; i++) {
        expect(isoTime(t)).toBe(new Date(t).toISOString());
        // Mostly small steps (one day's rows), sometimes a jump to another day, sometimes back.
        t += random() < 0.9 ? Math.floor(random() * 50_000) : Math.floor((random() - 0.3) * 10 * 86_400_000);
        if (t < 0) t = start;
      }
    }
  });

  it('the last and first millisecond of a day, and a day after the cached one', () => {
    const day = Date.UTC(2026, 10, 30);
    for (const t of [day, day + 86_399_999, day + 86_400_000, day - 1, day + 1]) expect(isoTime(t)).toBe(new Date(t).toISOString());
  });

  it('instants before 1970, fractional milliseconds and far years as toISOString writes them; invalid ones throw as it does', () => {
    for (const t of [-1, -86_400_001, 1_781_181_681_123.7, 253_402_300_800_000 /* +010000 */]) expect(isoTime(t)).toBe(new Date(t).toISOString());
    expect(() => isoTime(NaN)).toThrow(RangeError);
    expect(() => isoTime(8.64e15 + 1)).toThrow(RangeError);
    expect(isoTimeOrNull(null)).toBeNull();
    expect(isoTimeOrNull(0)).toBe('1970-01-01T00:00:00.000Z');
  });
});
