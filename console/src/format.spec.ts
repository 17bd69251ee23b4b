import { dayEndExclusiveIso, dayOf, dayStartIso, formatAgo, formatCount, formatTime, formatUsd, shortId, usdMagnitude } from './format';

describe('money is shown exactly as the API states it, grouped and with at least two decimals', () => {
  it.each([
    ['0.9896264', '$0.9896264'],
    ['7.00', '$7.00'],
    ['7', '$7.00'],
    ['7.5', '$7.50'],
    ['1234567.891', '$1,234,567.891'],
    ['0.000000001', '$0.000000001'],
    ['250.000000000', '$250.00'],
    ['-3.1', '-$3.10'],
    ['007.1', '$7.10'],
  ])('%s → %s', (amount, shown) => {
    expect(formatUsd(amount)).toBe(shown);
  });

  it('keeps nano-USD digits a float would lose', () => {
    expect(formatUsd('123456.123456789')).toBe('$123,456.123456789');
  });

  it('shows nothing for a missing amount and passes through what is not a decimal', () => {
    expect(formatUsd(null)).toBe('—');
    expect(formatUsd(undefined)).toBe('—');
    expect(formatUsd('')).toBe('—');
    expect(formatUsd('n/a')).toBe('n/a');
  });

  it('a magnitude for drawing bars, zero when unreadable', () => {
    expect(usdMagnitude('0.5')).toBe(0.5);
    expect(usdMagnitude('x')).toBe(0);
    expect(usdMagnitude(null)).toBe(0);
  });
});

describe('counts', () => {
  it.each([
    [0, '0'],
    [999, '999'],
    [40594, '40,594'],
    [1234567, '1,234,567'],
    [-1200, '-1,200'],
  ])('%d → %s', (n, shown) => {
    expect(formatCount(n)).toBe(shown);
  });

  it('nothing for a missing count', () => {
    expect(formatCount(null)).toBe('—');
    expect(formatCount(Number.NaN)).toBe('—');
  });
});

describe('times are shown in UTC, to the second', () => {
  it('from an ISO string and from epoch milliseconds alike', () => {
    expect(formatTime('2026-06-11T20:41:21.000Z')).toBe('2026-06-11 20:41:21 UTC');
    expect(formatTime(Date.UTC(2026, 5, 11, 20, 41, 21, 999))).toBe('2026-06-11 20:41:21 UTC');
  });

  it('an ISO string with an offset is converted to UTC', () => {
    expect(formatTime('2026-06-12T04:41:21+08:00')).toBe('2026-06-11 20:41:21 UTC');
  });

  it('nothing for a missing or invalid time', () => {
    expect(formatTime(null)).toBe('—');
    expect(formatTime('yesterday')).toBe('—');
  });

  it('coarse relative times', () => {
    const now = Date.UTC(2026, 10, 30, 12);
    expect(formatAgo(now - 10_000, now)).toBe('just now');
    expect(formatAgo(now - 5 * 60_000, now)).toBe('5 min ago');
    expect(formatAgo(now - 3 * 3_600_000, now)).toBe('3 h ago');
    expect(formatAgo(now - 2 * 86_400_000, now)).toBe('2 d ago');
    expect(formatAgo(now + 60_000, now)).toBe('in the future');
  });
});

describe('date fields become the API’s ISO range: from the day’s start, to the next day’s start (inclusive day)', () => {
  it('from', () => {
    expect(dayStartIso('2026-11-01')).toBe('2026-11-01T00:00:00.000Z');
  });

  it('to is exclusive at the next day, across month and year ends', () => {
    expect(dayEndExclusiveIso('2026-11-30')).toBe('2026-12-01T00:00:00.000Z');
    expect(dayEndExclusiveIso('2026-12-31')).toBe('2027-01-01T00:00:00.000Z');
  });

  it('empty or malformed fields send nothing', () => {
    expect(dayStartIso('')).toBeUndefined();
    expect(dayStartIso('11/30/2026')).toBeUndefined();
    expect(dayEndExclusiveIso('2026-13-45')).toBeUndefined();
  });

  it('the UTC day of an instant', () => {
    expect(dayOf(Date.UTC(2026, 10, 30, 23, 59))).toBe('2026-11-30');
  });
});

describe('short ids', () => {
  it('keeps short ids and shortens long ones in the middle', () => {
    expect(shortId('cgt-123')).toBe('cgt-123');
    expect(shortId('0b8e0a3c-6c44-4a3e-9b3c-1f9a0c7d1e2f')).toBe('0b8e0a3c…1e2f');
    expect(shortId(null)).toBe('—');
  });
});
