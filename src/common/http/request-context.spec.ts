import { newRequestId } from './request-context';

describe('newRequestId', () => {
  it('is the UTC time to the second followed by 20 upper-case hex digits', () => {
    expect(newRequestId(new Date(Date.UTC(2026, 10, 30, 8, 16, 9)))).toMatch(/^20261130081609[0-9A-F]{20}$/);
    // the stamp is kept per second: the same second again, the next one, and one back in time
    expect(newRequestId(new Date(Date.UTC(2026, 10, 30, 8, 16, 9, 999)))).toMatch(/^20261130081609/);
    expect(newRequestId(new Date(Date.UTC(2026, 10, 30, 8, 16, 10)))).toMatch(/^20261130081610/);
    expect(newRequestId(new Date(Date.UTC(2025, 0, 1, 0, 0, 0)))).toMatch(/^20250101000000/);
  });

  it('never repeats, also across refills of its random pool', () => {
    const ids = Array.from({ length: 5000 }, () => newRequestId());
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id.slice(14))).size).toBe(ids.length);
  });
});
