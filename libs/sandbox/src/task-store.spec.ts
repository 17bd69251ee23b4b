import { validateCreateTask, type CreateTaskParams } from './create-task-validator';
import { SandboxClock } from './sandbox-clock';
import { CANCELLED_RETENTION_MS, RETENTION_MS, SandboxControlError, TaskStore, type SandboxTaskRecord } from './task-store';

const START = Date.UTC(2026, 5, 11, 20, 41, 21);

function params(extra: Record<string, unknown> = {}): CreateTaskParams {
  const check = validateCreateTask({ model: 'dreamina-seedance-2-0-260128', content: [{ type: 'text', text: 'x' }], ...extra });
  if (!check.ok) throw new Error(check.refusal.message);
  return check.params;
}

describe('TaskStore', () => {
  let wall: number;
  let clock: SandboxClock;
  let store: TaskStore;
  let seen: Array<[string, string, number]>;

  beforeEach(() => {
    wall = START;
    clock = new SandboxClock(1000, 3000, () => wall);
    store = new TaskStore(clock);
    seen = [];
    store.onTransition((task: SandboxTaskRecord) => seen.push([task.id, task.status, task.updatedAtMs]));
  });

  it('issues ids of the form cgt-<UTC stamp>-<5 lowercase alnum>, all different', () => {
    const ids = new Set(Array.from({ length: 500 }, () => store.create(params()).id));
    expect(ids.size).toBe(500);
    for (const id of ids) expect(id).toMatch(/^cgt-20260611204121-[a-z0-9]{5}$/);
  });

  it('goes queued → running → succeeded on the clock, updated_at at each change', () => {
    const { id } = store.create(params());
    wall = START + 999;
    expect(store.get(id)?.status).toBe('queued');
    wall = START + 1000;
    expect(store.get(id)).toMatchObject({ status: 'running', updatedAtMs: START + 1000 });
    wall = START + 3999;
    expect(store.get(id)?.status).toBe('running');
    wall = START + 60_000;
    expect(store.get(id)).toMatchObject({ status: 'succeeded', updatedAtMs: START + 4000, error: null });
  });

  it('announces every change, even ones passed between two looks, in order', () => {
    const { id } = store.create(params());
    wall = START + 10_000;
    store.get(id);
    expect(seen).toEqual([
      [id, 'queued', START],
      [id, 'running', START + 1000],
      [id, 'succeeded', START + 4000],
    ]);
  });

  it('expires a task whose execution_expires_after passes before it ends', () => {
    const { id } = store.create(params({ execution_expires_after: 3600 }));
    store.hold(id, 'running');
    wall = START + 3600 * 1000 - 1;
    expect(store.get(id)?.status).toBe('running');
    wall = START + 3600 * 1000;
    expect(store.get(id)).toMatchObject({ status: 'expired', updatedAtMs: START + 3600 * 1000, error: null });
  });

  it('expires a task whose running phase outlasts execution_expires_after, even unheld', () => {
    clock.setPhases({ runningMs: 2 * 3600 * 1000 });
    const { id } = store.create(params({ execution_expires_after: 3600 }));
    wall = START + 3 * 3600 * 1000;
    expect(store.get(id)).toMatchObject({ status: 'expired', updatedAtMs: START + 3600 * 1000 });
    expect(seen.map(([, status]) => status)).toEqual(['queued', 'running', 'expired']);
  });

  it('finishes a task that ends just before its expiry', () => {
    clock.setPhases({ queuedMs: 0, runningMs: 3600 * 1000 - 1 });
    const { id } = store.create(params({ execution_expires_after: 3600 }));
    wall = START + 2 * 3600 * 1000;
    expect(store.get(id)?.status).toBe('succeeded');
  });

  it('expires a task due to finish at the very moment of its expiry', () => {
    clock.setPhases({ queuedMs: 0, runningMs: 3600 * 1000 });
    const { id } = store.create(params({ execution_expires_after: 3600 }));
    wall = START + 2 * 3600 * 1000;
    expect(store.get(id)?.status).toBe('expired');
  });

  it('applies a clock change to tasks in flight from the start of their phase', () => {
    const { id } = store.create(params());
    wall = START + 500;
    clock.setPhases({ queuedMs: 200 });
    expect(store.get(id)).toMatchObject({ status: 'running', updatedAtMs: START + 200 });
  });

  it('holds a task in a status until released, then lets it go on', () => {
    const { id } = store.create(params());
    store.hold(id, 'queued');
    wall = START + 50_000;
    expect(store.get(id)?.status).toBe('queued');
    store.release(id);
    expect(store.get(id)).toMatchObject({ status: 'running', updatedAtMs: START + 50_000 });
    wall = START + 53_000;
    expect(store.get(id)?.status).toBe('succeeded');
  });

  it('lets a task held in running pass through queued first', () => {
    const { id } = store.create(params());
    store.hold(id, 'running');
    wall = START + 50_000;
    expect(store.get(id)?.status).toBe('running');
  });

  it('release before the phase is over keeps the original timing', () => {
    const { id } = store.create(params());
    store.hold(id, 'queued');
    wall = START + 500;
    store.release(id);
    wall = START + 1000;
    expect(store.get(id)).toMatchObject({ status: 'running', updatedAtMs: START + 1000 });
  });

  it('refuses to hold a finished task, or hold in queued a running one', () => {
    const done = store.create(params());
    const running = store.create(params());
    wall = START + 1500;
    store.forceOutcome(done.id, 'succeeded');
    expect(() => store.hold(done.id, 'running')).toThrow(SandboxControlError);
    expect(() => store.hold(running.id, 'queued')).toThrow(expect.objectContaining({ status: 409 }));
    expect(() => store.hold('cgt-none', 'queued')).toThrow(expect.objectContaining({ status: 404 }));
  });

  it('holds every new task with holdAll until it is turned off', () => {
    store.holdAll('queued');
    const held = store.create(params());
    store.holdAll(null);
    const free = store.create(params());
    wall = START + 60_000;
    expect(store.get(held.id)?.status).toBe('queued');
    expect(store.get(free.id)?.status).toBe('succeeded');
  });

  it('forces an outcome now, whatever the status', () => {
    const { id } = store.create(params());
    wall = START + 10;
    store.forceOutcome(id, 'failed', { code: 'InputTextSensitiveContentDetected', message: 'no' });
    expect(store.get(id)).toMatchObject({ status: 'failed', updatedAtMs: START + 10, error: { code: 'InputTextSensitiveContentDetected', message: 'no' } });
    store.forceOutcome(id, 'expired');
    expect(store.get(id)).toMatchObject({ status: 'expired', error: null });
  });

  it('fails the next task with a default error when it would have succeeded', () => {
    store.failNext();
    const failing = store.create(params());
    const fine = store.create(params());
    wall = START + 4000;
    expect(store.get(failing.id)).toMatchObject({ status: 'failed', updatedAtMs: START + 4000, error: { code: 'OutputVideoSensitiveContentDetected' } });
    expect(store.get(fine.id)?.status).toBe('succeeded');
  });

  it('counts queued tasks', () => {
    store.create(params());
    store.create(params());
    wall = START + 500;
    store.create(params());
    wall = START + 1200;
    expect(store.queuedCount()).toBe(1);
  });

  it('cancels queued tasks only, and forgets them 24 h after cancellation', () => {
    const { id } = store.create(params());
    store.cancel(id);
    expect(store.get(id)?.status).toBe('cancelled');
    expect(() => store.forceOutcome(id, 'succeeded')).toThrow(expect.objectContaining({ status: 409 }));
    wall = START + CANCELLED_RETENTION_MS - 1;
    expect(store.get(id)).toBeDefined();
    wall = START + CANCELLED_RETENTION_MS;
    expect(store.get(id)).toBeUndefined();
  });

  it('forgets every task 7 days after creation, newest listed first until then', () => {
    const older = store.create(params());
    wall = START + 1000;
    const newer = store.create(params());
    expect(store.list().map((task) => task.id)).toEqual([newer.id, older.id]);
    wall = START + RETENTION_MS;
    expect(store.list().map((task) => task.id)).toEqual([newer.id]);
    expect(store.get(older.id)).toBeUndefined();
    expect(store.size).toBe(1);
  });

  it('keeps up with 10,000 tasks in flight without timers', () => {
    for (let i = 0; i < 10_000; i++) store.create(params());
    wall = START + 1500;
    const started = Date.now();
    expect(store.queuedCount()).toBe(0);
    expect(store.list().filter((task) => task.status === 'running')).toHaveLength(10_000);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
