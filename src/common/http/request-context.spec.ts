import { newRequestId } from './request-context';

describe('newRequestId', () => {
  it('is the UTC time to the second followed by 20 upper-case hex digits', () => {
    expect(newRequestId(new Date(Date.UTC(2026, 10, 30, 8, 16, 9)))).toMatch(/^20261130081609[0-9A-F]{20}$/);
  });

  it('never repeats, also across refills of its random pool', () => {
    const ids = Array.from({ length: 5000 }, () => newRequestId());
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id.slice(14))).size).toBe(ids.length);
  });
});
