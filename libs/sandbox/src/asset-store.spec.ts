import { AssetStore, DEFAULT_ASSET_FAILURE, type NewAsset } from './asset-store';
import { SandboxClock } from './sandbox-clock';
import { SandboxControlError } from './task-store';

const START = Date.UTC(2026, 5, 11, 20, 41, 21);

describe('AssetStore', () => {
  let wall: number;
  let clock: SandboxClock;
  let store: AssetStore;
  let groupId: string;

  const newAsset = (extra: Partial<NewAsset> = {}) =>
    store.createAsset({
      groupId,
      projectName: 'default',
      name: 'front.png',
      assetType: 'Image',
      sourceUrl: 'https://media.example.com/front.png',
      moderation: 'Default',
      ...extra,
    });

  beforeEach(() => {
    wall = START;
    clock = new SandboxClock(0, 0, () => wall);
    store = new AssetStore(clock, { pendingMs: 200, processingMs: 1000, invisibleMs: 500 }, ['gone.example.com']);
    groupId = store.createGroup({ name: 'g', description: '', groupType: 'AIGC', projectName: 'default' }).id;
  });

  it('issues ids of the form group-/asset-<UTC stamp>-<5 lowercase alnum>, all different', () => {
    expect(groupId).toMatch(/^group-20260611204121-[a-z0-9]{5}$/);
    const ids = new Set(Array.from({ length: 300 }, () => newAsset().id));
    expect(ids.size).toBe(300);
    for (const id of ids) expect(id).toMatch(/^asset-20260611204121-[a-z0-9]{5}$/);
  });

  it('goes Pending → Processing → Active on the clock, UpdateTime at each change', () => {
    const { id } = newAsset();
    expect(store.asset(id)).toMatchObject({ status: 'Pending', updatedAtMs: START, error: null });
    wall = START + 200;
    expect(store.asset(id)).toMatchObject({ status: 'Processing', updatedAtMs: START + 200 });
    wall = START + 1199;
    expect(store.asset(id)?.status).toBe('Processing');
    wall = START + 5000;
    expect(store.asset(id)).toMatchObject({ status: 'Active', updatedAtMs: START + 1200, error: null });
  });

  it('starts in Processing when pendingMs is 0', () => {
    store.setPhases({ pendingMs: 0 });
    expect(newAsset().status).toBe('Processing');
  });

  it.each([
    ['a listed unreachable host', 'https://gone.example.com/x.png', 'host gone.example.com could not be reached'],
    ['the same host in another case, with a port', 'http://GONE.example.com:8080/x.png', 'host gone.example.com could not be reached'],
    ['a host under .invalid', 'https://cdn.nowhere.invalid/x.png', 'host cdn.nowhere.invalid could not be reached'],
    ['a URL that is not http(s)', 'ftp://media.example.com/x.png', 'unsupported scheme ftp'],
    ['a data URL', 'data:image/png;base64,AAAA', 'unsupported scheme data'],
    ['text that is not a URL', 'product.png', 'the URL is not valid'],
  ])('ends Failed with DownloadFailed for %s', (_name, sourceUrl, reason) => {
    const { id } = newAsset({ sourceUrl });
    wall = START + 1200;
    expect(store.asset(id)).toMatchObject({
      status: 'Failed',
      error: { Code: 'DownloadFailed', Message: `The resource could not be downloaded: ${reason}` },
    });
  });

  it('is invisible for invisibleMs after creation, then visible', () => {
    const { id } = newAsset();
    wall = START + 499;
    expect(store.visibleAsset(id)).toBeUndefined();
    expect(store.allAssets(true)).toEqual([]);
    expect(store.allAssets()).toHaveLength(1);
    wall = START + 500;
    expect(store.visibleAsset(id)?.id).toBe(id);
    expect(store.allAssets(true).map((a) => a.id)).toEqual([id]);
  });

  it('applies a changed invisibility window and phases to assets in flight', () => {
    const { id } = newAsset();
    store.setPhases({ invisibleMs: 0, pendingMs: 0, processingMs: 0 });
    expect(store.visibleAsset(id)?.status).toBe('Active');
    expect(store.currentPhases).toEqual({ pendingMs: 0, processingMs: 0, invisibleMs: 0 });
  });

  it('refuses negative or non-numeric phases', () => {
    expect(() => store.setPhases({ processingMs: -1 })).toThrow(RangeError);
    expect(() => store.setPhases({ invisibleMs: 'soon' as never })).toThrow(RangeError);
    expect(() => new AssetStore(clock, { pendingMs: 0, processingMs: NaN, invisibleMs: 0 })).toThrow(RangeError);
  });

  it('forces Active or Failed at once, visible, with a default failure', () => {
    const active = newAsset();
    const failed = newAsset();
    const custom = newAsset();
    store.forceOutcome(active.id, 'Active');
    store.forceOutcome(failed.id, 'Failed');
    store.forceOutcome(custom.id, 'Failed', { Code: 'ModerationFailed', Message: 'no' });
    expect(store.visibleAsset(active.id)).toMatchObject({ status: 'Active', error: null, updatedAtMs: START });
    expect(store.visibleAsset(failed.id)).toMatchObject({ status: 'Failed', error: DEFAULT_ASSET_FAILURE });
    expect(store.visibleAsset(custom.id)?.error).toEqual({ Code: 'ModerationFailed', Message: 'no' });
  });

  it('holds an asset in Processing past its time, then release moves it on at once', () => {
    const { id } = newAsset();
    store.hold(id, 'Processing');
    wall = START + 60_000;
    expect(store.asset(id)?.status).toBe('Processing');
    store.release(id);
    expect(store.asset(id)).toMatchObject({ status: 'Active', hold: null });
  });

  it('holds an asset in Pending; release restarts nothing that already ran long enough', () => {
    const { id } = newAsset();
    store.hold(id, 'Pending');
    wall = START + 700;
    expect(store.asset(id)?.status).toBe('Pending');
    store.release(id);
    expect(store.asset(id)?.status).toBe('Processing');
    wall = START + 700 + 1000;
    expect(store.asset(id)?.status).toBe('Active');
  });

  it('refuses holds that cannot apply', () => {
    const { id } = newAsset();
    wall = START + 300;
    expect(() => store.hold(id, 'Pending')).toThrow(SandboxControlError);
    expect(() => store.hold(id, 'Done' as never)).toThrow(/Pending, Processing/);
    wall = START + 5000;
    expect(() => store.hold(id, 'Processing')).toThrow(/already Active/);
    expect(() => store.hold('asset-nope', 'Processing')).toThrow(/not found/);
  });

  it('updates and deletes groups and assets, counting what a group holds', () => {
    const { id } = newAsset();
    wall = START + 10;
    expect(store.updateGroup(groupId, { name: 'renamed' })).toMatchObject({ name: 'renamed', description: '', updatedAtMs: START + 10 });
    expect(store.countInGroup(groupId)).toBe(1);
    expect(store.updateAsset(id, { name: 'x' })).toBeUndefined();
    wall = START + 600;
    expect(store.updateAsset(id, { name: 'x' })).toMatchObject({ name: 'x', updatedAtMs: START + 600 });
    expect(store.deleteAsset(id)).toBe(true);
    expect(store.countInGroup(groupId)).toBe(0);
    expect(store.deleteGroup(groupId)).toBe(true);
    expect(store.group(groupId)).toBeUndefined();
  });

  it('reset forgets everything and restores the phases', () => {
    newAsset();
    store.setPhases({ processingMs: 5 });
    store.reset();
    expect(store.allGroups()).toEqual([]);
    expect(store.allAssets()).toEqual([]);
    expect(store.currentPhases).toEqual({ pendingMs: 200, processingMs: 1000, invisibleMs: 500 });
  });
});

describe('AssetStore snapshot and restore', () => {
  it('a restored store has the same groups and assets, and new ids keep counting after theirs', () => {
    const clock = new SandboxClock(0, 0);
    const phases = { pendingMs: 0, processingMs: 0, invisibleMs: 0 };
    const before = new AssetStore(clock, phases);
    const group = before.createGroup({ name: 'g', description: '', groupType: 'AIGC', projectName: 'default' });
    before.createAsset({
      groupId: group.id,
      projectName: 'default',
      name: 'a',
      assetType: 'Image',
      sourceUrl: 'https://example.com/a.png',
      moderation: 'Default',
    });
    const saved = JSON.parse(JSON.stringify(before.snapshot())) as ReturnType<AssetStore['snapshot']>;

    const after = new AssetStore(clock, phases);
    after.restore(saved);
    expect(after.snapshot()).toEqual(saved);
    const next = after.createGroup({ name: 'h', description: '', groupType: 'AIGC', projectName: 'default' });
    expect(next.seq).toBeGreaterThan(Math.max(...[...saved.groups, ...saved.assets].map((r) => r.seq)));
  });
});
