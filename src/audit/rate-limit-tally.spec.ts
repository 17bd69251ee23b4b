import type { RequestContext } from '../common/http/request-context';
import { RateLimitWindows } from './rate-limit-tally';

const ctx = (requestId: string): RequestContext => ({ requestId, clientSupplied: false, ip: '127.0.0.1' });

describe('rate-limited refusals are counted per caller and minute (docs/contract.md §10)', () => {
  it('gathers one minute of refusals into one window and hands it over when the next minute starts', () => {
    const w = new RateLimitWindows();
    for (let i = 0; i < 500; i++) expect(w.hit('tenant:a', 'a', ctx(`r${i}`), 1_000 + i)).toBeUndefined();
    const previous = w.hit('tenant:a', 'a', ctx('next'), 61_000);
    expect(previous).toMatchObject({ count: 500, since: 1_000, tenantId: 'a', ctx: { requestId: 'r499' } });
    expect(w.due(61_500)).toEqual([]);
    expect(w.due(121_000)).toEqual([expect.objectContaining({ count: 1, since: 61_000 })]);
  });

  it('keeps callers apart and gives every finished minute to the timer', () => {
    const w = new RateLimitWindows();
    w.hit('tenant:a', 'a', ctx('1'), 0);
    w.hit('tenant:b', 'b', ctx('2'), 30_000);
    w.hit('tenant:b', 'b', ctx('3'), 31_000);
    expect(w.due(60_000).map((x) => [x.tenantId, x.count])).toEqual([['a', 1]]);
    expect(w.due(60_001)).toEqual([]);
    expect(w.due(60_001, true).map((x) => [x.tenantId, x.count])).toEqual([['b', 2]]);
  });
});
