import type { TenantId } from '../common/tenant-identity/tenant-id';
import { FinishedTaskCache } from './finished-task-cache';

const A = '00000000-0000-4000-8000-00000000000a' as TenantId;
const B = '00000000-0000-4000-8000-00000000000b' as TenantId;
const task = (id: string) => ({ id, status: 'succeeded', content: { video_url: `https://example.com/${id}.mp4` } });

describe('FinishedTaskCache', () => {
  let now = 1_000_000;
  const clock = () => now;
  beforeEach(() => (now = 1_000_000));

  it('answers a held task until its window ends, then reads again', () => {
    const cache = new FinishedTaskCache(2000, 100, clock);
    cache.put(A, 'cgt-1', task('cgt-1'), cache.readStarted());
    now += 1999;
    expect(cache.get(A, 'cgt-1')).toEqual(task('cgt-1'));
    now += 1;
    expect(cache.get(A, 'cgt-1')).toBeUndefined();
  });

  it("never answers one tenant with another tenant's task of the same id", () => {
    const cache = new FinishedTaskCache(2000, 100, clock);
    cache.put(A, 'cgt-1', task('cgt-1'), cache.readStarted());
    expect(cache.get(B, 'cgt-1')).toBeUndefined();
    // nor with a task id that differs only by the separator
    expect(cache.get(A, ' cgt-1')).toBeUndefined();
  });

  it('forgets a hidden task at once', () => {
    const cache = new FinishedTaskCache(2000, 100, clock);
    cache.put(A, 'cgt-1', task('cgt-1'), cache.readStarted());
    cache.forget(A, 'cgt-1');
    expect(cache.get(A, 'cgt-1')).toBeUndefined();
  });

  it('does not keep a read that began before a hide on this instance', () => {
    const cache = new FinishedTaskCache(2000, 100, clock);
    const startedBeforeHide = cache.readStarted();
    cache.forget(A, 'cgt-1'); // the hide commits while the read is under way
    cache.put(A, 'cgt-1', task('cgt-1'), startedBeforeHide);
    expect(cache.get(A, 'cgt-1')).toBeUndefined();
    // a read begun after it is kept
    cache.put(A, 'cgt-2', task('cgt-2'), cache.readStarted());
    expect(cache.get(A, 'cgt-2')).toBeDefined();
  });

  it('holds at most `max` tasks, the oldest giving way', () => {
    const cache = new FinishedTaskCache(2000, 3, clock);
    for (const id of ['t1', 't2', 't3', 't4']) cache.put(A, id, task(id), cache.readStarted());
    expect(cache.get(A, 't1')).toBeUndefined();
    expect(['t2', 't3', 't4'].map((id) => cache.get(A, id)?.id)).toEqual(['t2', 't3', 't4']);
  });
});
