/** The §9 matching rule: a create with an unknown outcome is given an upstream task only when that is no guess. */
import { couldHaveMade, MatchCandidate, matchRecords, MatchRecord } from './reconcile-matching';

const W = { timeoutMs: 20_000, graceMs: 30_000 };
const T0 = Date.UTC(2026, 10, 30, 3, 0, 0);
const MODEL = 'dreamina-seedance-2-0-260128';

let n = 0;
function record(over: Partial<MatchRecord> = {}, sent: Record<string, unknown> = {}): MatchRecord {
  n += 1;
  return {
    id: `rec-${n}`,
    tenantId: 'tenant-a',
    createdAt: T0,
    upstreamModel: MODEL,
    hasVideoInput: false,
    upstreamRequest: { model: MODEL, content: [], resolution: '480p', duration: 5, ...sent },
    claimed: true,
    inFlight: false,
    ...over,
  };
}

function task(id: string, over: Record<string, unknown> = {}): MatchCandidate {
  return {
    id,
    model: MODEL,
    created_at: Math.floor(T0 / 1000) + 1,
    resolution: '480p',
    ratio: '16:9',
    duration: 5,
    generate_audio: true,
    service_tier: 'default',
    seed: 12345,
    ...over,
  };
}

const later = T0 + 10_000;
const afterWindow = T0 + W.timeoutMs + 2 * W.graceMs + 1;

describe('couldHaveMade', () => {
  it('a task with the sent parameters created just after the record matches', () => {
    expect(couldHaveMade(record(), task('cgt-1'), W)).toBe(true);
  });

  it('a task created before the record (more than 5 s) or after its window does not', () => {
    expect(couldHaveMade(record(), task('cgt-1', { created_at: Math.floor((T0 - 7000) / 1000) }), W)).toBe(false);
    expect(couldHaveMade(record(), task('cgt-1', { created_at: Math.floor(afterWindow / 1000) + 1 }), W)).toBe(false);
  });

  it('another model, resolution, duration, audio, tier, seed or end user does not', () => {
    const r = record({}, { seed: 7, safety_identifier: 'u1', generate_audio: false, ratio: '1:1' });
    const ok = task('cgt-1', { seed: 7, safety_identifier: 'u1', generate_audio: false, ratio: '1:1' });
    expect(couldHaveMade(r, ok, W)).toBe(true);
    for (const [field, value] of [
      ['model', 'dreamina-seedance-2-0-fast-260128'],
      ['resolution', '720p'],
      ['duration', 6],
      ['generate_audio', true],
      ['service_tier', 'flex'],
      ['seed', 8],
      ['safety_identifier', 'u2'],
      ['ratio', '16:9'],
    ] as const) {
      expect(couldHaveMade(r, { ...ok, [field]: value }, W)).toBe(false);
    }
  });

  it('omitted fields take the upstream defaults: 720p, audio on, default tier', () => {
    const r = record({}, { resolution: undefined });
    expect(couldHaveMade(r, task('cgt-1', { resolution: '720p' }), W)).toBe(true);
    expect(couldHaveMade(r, task('cgt-1', { resolution: '480p' }), W)).toBe(false);
    expect(couldHaveMade(record(), task('cgt-1', { generate_audio: false }), W)).toBe(false);
  });

  it('adaptive ratio, duration -1 and seed -1 match whatever upstream chose', () => {
    const r = record({}, { ratio: 'adaptive', duration: -1, seed: -1 });
    expect(couldHaveMade(r, task('cgt-1', { ratio: '9:16', duration: 11, seed: 99 }), W)).toBe(true);
  });
});

describe('matchRecords', () => {
  it('one record and one task → attached', () => {
    const r = record();
    expect(matchRecords([r], [task('cgt-1')], later, W).get(r.id)).toEqual({ kind: 'attach', taskId: 'cgt-1' });
  });

  it('no task while the window is open → pending; after it closed → never made', () => {
    const r = record();
    expect(matchRecords([r], [], later, W).get(r.id)).toEqual({ kind: 'pending' });
    expect(matchRecords([r], [], afterWindow, W).get(r.id)).toEqual({ kind: 'not_found' });
  });

  it('a task two tenants could own is never guessed', () => {
    const a = record({ tenantId: 'tenant-a' });
    const b = record({ tenantId: 'tenant-b' });
    const out = matchRecords([a, b], [task('cgt-1'), task('cgt-2')], afterWindow, W);
    expect(out.get(a.id)).toEqual({ kind: 'ambiguous', taskIds: ['cgt-1', 'cgt-2'] });
    expect(out.get(b.id)).toEqual({ kind: 'ambiguous', taskIds: ['cgt-1', 'cgt-2'] });
  });

  it('two tasks for one record → ambiguous', () => {
    const r = record();
    expect(matchRecords([r], [task('cgt-1'), task('cgt-2')], afterWindow, W).get(r.id)?.kind).toBe('ambiguous');
  });

  it('identical records of one tenant and as many tasks → paired in creation order', () => {
    const first = record({ createdAt: T0 });
    const second = record({ createdAt: T0 + 2000 });
    const out = matchRecords(
      [second, first],
      [task('cgt-b', { created_at: Math.floor(T0 / 1000) + 3 }), task('cgt-a', { created_at: Math.floor(T0 / 1000) + 1 })],
      later,
      W,
    );
    expect(out.get(first.id)).toEqual({ kind: 'attach', taskId: 'cgt-a' });
    expect(out.get(second.id)).toEqual({ kind: 'attach', taskId: 'cgt-b' });
  });

  it('fewer tasks than identical records: pending while a window is open, then paired and the rest never made', () => {
    const first = record({ createdAt: T0 });
    const second = record({ createdAt: T0 + 1000 });
    expect(matchRecords([first, second], [task('cgt-a')], later, W).get(first.id)).toEqual({ kind: 'pending' });
    const out = matchRecords([first, second], [task('cgt-a')], afterWindow + 1000, W);
    expect(out.get(first.id)).toEqual({ kind: 'attach', taskId: 'cgt-a' });
    expect(out.get(second.id)).toEqual({ kind: 'not_found' });
  });

  it('a record a live request is still answering holds its group back', () => {
    const mine = record();
    const inFlight = record({ claimed: false, inFlight: true, createdAt: T0 + 500 });
    const out = matchRecords([mine, inFlight], [task('cgt-1')], later, W);
    expect(out.get(mine.id)).toEqual({ kind: 'pending' });
    expect(out.has(inFlight.id)).toBe(false);
  });

  it('an unknown record someone else holds is paired the same way, and only mine is decided', () => {
    const mine = record({ createdAt: T0 + 1000 });
    const theirs = record({ claimed: false, createdAt: T0 });
    const tasks = [task('cgt-b', { created_at: Math.floor(T0 / 1000) + 2 }), task('cgt-a', { created_at: Math.floor(T0 / 1000) + 1 })];
    const mineFirst = matchRecords([mine, theirs], tasks, later, W);
    expect(mineFirst.get(mine.id)).toEqual({ kind: 'attach', taskId: 'cgt-b' });
    expect(mineFirst.has(theirs.id)).toBe(false);
    const theirView = matchRecords(
      [
        { ...mine, claimed: false },
        { ...theirs, claimed: true },
      ],
      tasks,
      later,
      W,
    );
    expect(theirView.get(theirs.id)).toEqual({ kind: 'attach', taskId: 'cgt-a' });
  });

  it("records that cannot match each other's tasks are decided independently", () => {
    const low = record({ tenantId: 'tenant-a' }, { resolution: '480p' });
    const high = record({ tenantId: 'tenant-b' }, { resolution: '1080p' });
    const out = matchRecords([low, high], [task('cgt-480'), task('cgt-1080', { resolution: '1080p' })], later, W);
    expect(out.get(low.id)).toEqual({ kind: 'attach', taskId: 'cgt-480' });
    expect(out.get(high.id)).toEqual({ kind: 'attach', taskId: 'cgt-1080' });
  });
});
