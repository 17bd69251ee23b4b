/**
 * S5, the background sync's throughput and settlement lag.
 *
 * A gateway of its own (fresh SQLite file, sync on) in front of a sandbox of its own whose tasks stay queued
 * `queuedMs` and run `runningMs`. N tasks are created in the sandbox through its data plane, held queued
 * (`holdAll`), their records seeded straight into the database as a create leaves them (`queued`, due now),
 * then all released at once. The sync finds them, follows them to `succeeded` and settles each into the ledger.
 *
 * Measured: time until all N are settled, settled tasks per second, the lag of each settlement (ledger entry
 * `created_at` minus the moment the sandbox finished the task), upstream calls (the sandbox's request log, op
 * `get`) against the configured budget, and the RSS of this process. A second, shorter run at the default
 * budget (20/s) shows the budget holds.
 */
import type { BenchDatabases } from './bench-database';
import type { SandboxHandle } from '@arkgate/sandbox';
import { ArkDataClient } from '@arkgate/byteplus';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { LedgerEntryEntity } from '../src/billing/ledger-entry.entity';
import { TaskEntity } from '../src/tasks/task.entity';
import { TaskCrossTenantReader } from '../src/tasks/task-cross-tenant.reader';
import { TasksModule } from '../src/tasks/tasks.module';
import { TaskSyncService } from '../src/tasks/task-sync.service';
import { RssSampler, type RssSummary } from './memory';
import type { ReportRow } from './report';
import { MethodTimer, quantile, seconds, sleep, type Log, type ScenarioOutput } from './scenario-common';
import { seedInFlightTasks, upstreamRequestOf, type InFlightTask } from './seed-tasks';
import { startBenchSandbox, startGateway } from './targets';

export interface PollerSettings {
  /** N, tasks in flight at once. */
  tasks: number;
  /** ARKGATE_SYNC_RPS of the main run: high enough not to be the limit. */
  rps: number;
  /** ARKGATE_SYNC_BACKOFF_MS. */
  backoffMs: string;
  /** Sandbox phases: a task finishes queuedMs + runningMs after it was created (here: after its release). */
  queuedMs: number;
  runningMs: number;
  /** The run at the default budget: its tasks and how long its upstream calls are counted. */
  budgetRps: number;
  budgetTasks: number;
  budgetWindowS: number;
  /** Longest wait for all N to settle. */
  timeoutS: number;
}

const SCENARIO = 'S5 background sync';
/** Concurrent creates against the sandbox's data plane. */
const CREATE_CONCURRENCY = 32;

/**
 * The sync's upstream calls as the sandbox recorded them (drained from its request log every 100 ms): GETs of one task
 * and lists of several (`filter.task_ids`), each one call of the budget.
 */
class UpstreamGets {
  readonly at: number[] = [];
  /** List calls among them, and the task ids they carried. */
  lists = 0;
  listedIds = 0;
  /** The sync's looks at each task: upstream task id → times of the calls that asked for it (ascending). */
  readonly byTask = new Map<string, number[]>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly sandbox: SandboxHandle) {}

  start(): this {
    this.sandbox.control.clearRequests();
    this.timer = setInterval(() => this.drain(), 100);
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.drain();
  }

  /** Calls with from ≤ at < to. */
  between(from: number, to: number): number {
    this.drain();
    return this.at.filter((t) => t >= from && t < to).length;
  }

  /** Most calls in any 1-s window. */
  busiestSecond(): number {
    const sorted = [...this.at].sort((a, b) => a - b);
    let best = 0;
    for (let lo = 0, hi = 0; hi < sorted.length; hi++) {
      while (sorted[hi] - sorted[lo] >= 1000) lo++;
      best = Math.max(best, hi - lo + 1);
    }
    return best;
  }

  private drain(): void {
    const { control } = this.sandbox;
    // Read and cleared in one synchronous step: nothing is recorded in between.
    const requests = control.requests();
    control.clearRequests();
    for (const r of requests) {
      if (r.op !== 'get' && r.op !== 'list') continue;
      this.at.push(r.at);
      const listed = r.query['filter.task_ids'];
      const taskIds =
        r.op === 'get' ? [decodeURIComponent(r.path.slice(r.path.lastIndexOf('/') + 1))] : listed === undefined ? [] : ([] as string[]).concat(listed);
      if (r.op === 'list') {
        this.lists++;
        this.listedIds += taskIds.length;
      }
      for (const taskId of taskIds) {
        const looks = this.byTask.get(taskId);
        if (looks) looks.push(r.at);
        else this.byTask.set(taskId, [r.at]);
      }
    }
  }
}

/**
 * The poll interval in effect when a task finished upstream at `finishedAt`: the gap the back-off scheduled between the
 * sync's last look before that moment and the next one (`steps[k − 1]` after the k-th look). A task not yet looked at
 * when it finished was due already, its first look late; it counts with the first step, the gap it would have had had
 * that look been on time.
 */
export function pollIntervalAt(looks: readonly number[], finishedAt: number, steps: readonly number[]): { interval: number; looksBefore: number } {
  let k = 0;
  while (k < looks.length && looks[k] < finishedAt) k++;
  return { interval: steps[Math.min(Math.max(k, 1), steps.length) - 1], looksBefore: k };
}

/** Creates `n` tasks in the sandbox through its data plane, all held queued; returns their ids and creation times. */
async function createHeldUpstreamTasks(sandbox: SandboxHandle, n: number): Promise<InFlightTask[]> {
  sandbox.control.holdAll('queued');
  const url = `${sandbox.dataPlaneUrl}/contents/generations/tasks`;
  const headers = { authorization: `Bearer ${sandbox.apiKey}`, 'content-type': 'application/json' };
  const out: InFlightTask[] = new Array(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(upstreamRequestOf(i)) });
      const body = (await res.json()) as { id?: string };
      if (res.status !== 200 || !body.id) throw new Error(`sandbox create answered ${res.status}: ${JSON.stringify(body)}`);
      out[i] = { taskId: body.id, createdAt: sandbox.control.task(body.id)!.createdAtMs };
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(CREATE_CONCURRENCY, n) }, worker));
  } finally {
    sandbox.control.holdAll(null);
  }
  return out;
}

interface RunOptions {
  label: string;
  tasks: number;
  rps: number;
  /**
   * The budget run: count calls for this long, starting one second after the first one (the token bucket
   * starts full, so the first second may use up to twice the budget), then stop. Otherwise wait for all to settle.
   */
  windowS?: number;
}

interface RunResult {
  tasks: number;
  rps: number;
  createS: number;
  seedS: number;
  /** Release of the held tasks (ms since epoch). */
  releasedAt: number;
  settled: number;
  /** Ms from the release until the last ledger entry (full runs). */
  allSettledMs: number | null;
  /** Upstream finish times (sandbox updated_at of succeeded, ms) of the settled tasks. */
  firstFinish: number | null;
  lastFinish: number | null;
  firstLedger: number | null;
  lastLedger: number | null;
  /** Settled ÷ (last ledger entry − first ledger entry): the rate while settling. */
  settledPerSec: number | null;
  /** Settled ÷ (last ledger entry − first upstream finish). */
  settledPerSecSinceFinish: number | null;
  lag: { p50: number | null; p95: number | null; p99: number | null; max: number | null; mean: number | null };
  /**
   * Lag ÷ the poll interval in effect when the task finished upstream (`pollIntervalAt`): the goal is p99 ≤ 2. With how
   * many tasks had each interval (ms) and each count of looks before their finish.
   */
  lagPerInterval: {
    p50: number | null;
    p99: number | null;
    max: number | null;
    byInterval: Record<string, number>;
    byLooksBefore: Record<string, number>;
  };
  /** Upstream calls counted: all of them, or those of the budget run's window. */
  gets: number;
  /** Of all the calls: lists, and the task ids they carried. */
  lists: number;
  listedIds: number;
  getsPerSec: number | null;
  getWindowS: number | null;
  /** Calls in the first second (budget run). */
  firstSecondGets: number | null;
  busiestSecond: number;
  rss: RssSummary;
  eventLoopUtilization: number;
  timings: ReturnType<MethodTimer['summary']>;
  timingLine: string;
  failures: string[];
}

async function pollerRun(settings: PollerSettings, opts: RunOptions, dbs: BenchDatabases, log: Log): Promise<RunResult> {
  const failures: string[] = [];
  const sandbox = await startBenchSandbox({ queuedMs: settings.queuedMs, runningMs: settings.runningMs, recordLimit: 200_000 });
  const timer = new MethodTimer();
  let gets: UpstreamGets | undefined;
  let sampler: RssSampler | undefined;
  try {
    const gateway = await startGateway(sandbox, await dbs.fresh(`poller-${opts.rps}`), {
      ARKGATE_SYNC_ENABLED: 'true',
      ARKGATE_SYNC_RPS: String(opts.rps),
      ARKGATE_SYNC_BACKOFF_MS: settings.backoffMs,
    });
    try {
      const ds = gateway.app.get(DataSource);
      const tenant = await gateway.newTenant('bench-poller');
      const n = opts.tasks;

      let started = Date.now();
      const upstream = await createHeldUpstreamTasks(sandbox, n);
      const createS = (Date.now() - started) / 1000;
      log(`  ${opts.label}: created ${n} sandbox tasks, held queued (${createS.toFixed(1)} s)`);

      timer
        .wrap(gateway.app.select(TasksModule).get(TaskCrossTenantReader), 'claimDueForSync', 'claim')
        .wrap(gateway.app.get(ArkDataClient, { strict: false }), 'listTasks', 'upstream list of tasks')
        .wrap(gateway.app.get(ArkDataClient, { strict: false }), 'getTask', 'upstream GET')
        .wrap(gateway.app.get(TaskSyncService, { strict: false }), 'applyAll', 'group commit of looks (transaction)')
        .wrap(gateway.app.select(TasksModule).get(TaskCrossTenantReader), 'releaseSyncLeasesOf', 'lease release (batch)');
      gets = new UpstreamGets(sandbox).start();
      sampler = await RssSampler.start(50);
      const elu0 = performance.eventLoopUtilization();

      // The sync takes records as their transactions commit: the first looks find the tasks held queued.
      started = Date.now();
      const seeded = await seedInFlightTasks(ds, tenant.id, upstream, started, log);
      const seedS = (Date.now() - started) / 1000;
      const releasedAt = Date.now();
      for (const t of upstream) sandbox.control.release(t.taskId);
      log(`  ${opts.label}: released ${n} tasks; each finishes upstream ${settings.runningMs} ms later`);

      const countSettled = async () => ds.getRepository(LedgerEntryEntity).count({ where: { tenantId: tenant.id } });
      let settled = 0;
      let lastLog = Date.now();
      let windowStart: number | null = null;
      for (;;) {
        await sleep(250);
        settled = await countSettled();
        const now = Date.now();
        if (opts.windowS !== undefined) {
          windowStart ??= gets.at.length > 0 ? Math.min(...gets.at.slice(0, 1000)) : null;
          if (windowStart !== null && now >= windowStart + (opts.windowS + 1) * 1000) break;
        } else if (settled >= n) break;
        if (now - releasedAt > settings.timeoutS * 1000) {
          failures.push(`${opts.label}: only ${settled} of ${n} tasks settled ${settings.timeoutS} s after their release (timeout)`);
          break;
        }
        if (now - lastLog >= 5000) {
          lastLog = now;
          log(`  ${opts.label}: ${settled}/${n} settled, ${gets.at.length} upstream calls, ${seconds(now - releasedAt)} s after release`);
        }
      }
      const rss = await sampler.stop();
      sampler = undefined;
      const elu = performance.eventLoopUtilization(elu0).utilization;
      gets.stop();
      const timings = timer.summary();
      const timingLine = timer.describe();
      timer.restore();

      // Lag of every settlement: ledger entry written − task finished upstream (the sandbox's own record, in ms).
      const entries = (
        await ds.getRepository(LedgerEntryEntity).find({ where: { tenantId: tenant.id }, select: { taskRef: true, taskId: true, createdAt: true } })
      ).map((e) => ({ ref: e.taskRef, taskId: e.taskId, at: e.createdAt }));
      const seededIds = new Set(seeded.ids);
      const steps = settings.backoffMs.split(',').map(Number);
      const lags: number[] = [];
      /** Each settled task's lag ÷ the poll interval in effect when it finished upstream. */
      const perInterval: number[] = [];
      const byInterval: Record<string, number> = {};
      const byLooksBefore: Record<string, number> = {};
      let firstFinish: number | null = null;
      let lastFinish: number | null = null;
      let firstLedger: number | null = null;
      let lastLedger: number | null = null;
      let notSucceededUpstream = 0;
      let foreign = 0;
      for (const e of entries) {
        const at = Number(e.at);
        if (!seededIds.has(e.ref)) foreign++;
        const record = sandbox.control.task(e.taskId);
        if (!record || record.status !== 'succeeded') {
          notSucceededUpstream++;
          continue;
        }
        lags.push(at - record.updatedAtMs);
        const { interval, looksBefore } = pollIntervalAt(gets.byTask.get(e.taskId) ?? [], record.updatedAtMs, steps);
        perInterval.push((at - record.updatedAtMs) / interval);
        byInterval[interval] = (byInterval[interval] ?? 0) + 1;
        byLooksBefore[looksBefore] = (byLooksBefore[looksBefore] ?? 0) + 1;
        firstFinish = Math.min(firstFinish ?? Infinity, record.updatedAtMs);
        lastFinish = Math.max(lastFinish ?? -Infinity, record.updatedAtMs);
        firstLedger = Math.min(firstLedger ?? Infinity, at);
        lastLedger = Math.max(lastLedger ?? -Infinity, at);
      }
      lags.sort((a, b) => a - b);
      perInterval.sort((a, b) => a - b);
      const distinctRefs = new Set(entries.map((e) => e.ref)).size;

      if (opts.windowS === undefined) {
        const succeeded = await ds.getRepository(TaskEntity).count({ where: { tenantId: tenant.id, status: 'succeeded' } });
        if (entries.length !== n) failures.push(`${opts.label}: ${entries.length} ledger entries for ${n} tasks (expected exactly ${n})`);
        if (distinctRefs !== n) failures.push(`${opts.label}: ${distinctRefs} distinct task refs in the ledger (expected ${n})`);
        if (succeeded !== n) failures.push(`${opts.label}: ${succeeded} task records succeeded (expected ${n})`);
      } else if (distinctRefs !== entries.length) {
        failures.push(`${opts.label}: ${entries.length} ledger entries but ${distinctRefs} distinct task refs`);
      }
      if (foreign > 0) failures.push(`${opts.label}: ${foreign} ledger entries for tasks that were not seeded`);
      if (notSucceededUpstream > 0) failures.push(`${opts.label}: ${notSucceededUpstream} settled tasks are not succeeded in the sandbox`);

      const allSettledMs = opts.windowS === undefined && lastLedger !== null && entries.length === n ? lastLedger - releasedAt : null;
      const perSec = (spanMs: number | null) => (spanMs !== null && spanMs > 0 ? lags.length / (spanMs / 1000) : null);
      let getWindowS: number | null;
      let getCount: number;
      let firstSecondGets: number | null = null;
      if (opts.windowS !== undefined && windowStart !== null) {
        getWindowS = opts.windowS;
        firstSecondGets = gets.between(windowStart, windowStart + 1000);
        getCount = gets.between(windowStart + 1000, windowStart + (opts.windowS + 1) * 1000);
      } else {
        const sorted = [...gets.at].sort((a, b) => a - b);
        getWindowS = sorted.length > 1 ? (sorted[sorted.length - 1] - sorted[0]) / 1000 : null;
        getCount = sorted.length;
      }
      const mean = lags.length ? lags.reduce((a, b) => a + b, 0) / lags.length : null;
      return {
        tasks: n,
        rps: opts.rps,
        createS,
        seedS,
        releasedAt,
        settled: entries.length,
        allSettledMs,
        firstFinish,
        lastFinish,
        firstLedger,
        lastLedger,
        settledPerSec: perSec(lastLedger !== null && firstLedger !== null ? lastLedger - firstLedger : null),
        settledPerSecSinceFinish: perSec(lastLedger !== null && firstFinish !== null ? lastLedger - firstFinish : null),
        lagPerInterval: {
          p50: quantile(perInterval, 0.5),
          p99: quantile(perInterval, 0.99),
          max: perInterval.length ? perInterval[perInterval.length - 1] : null,
          byInterval,
          byLooksBefore,
        },
        lag: {
          p50: quantile(lags, 0.5),
          p95: quantile(lags, 0.95),
          p99: quantile(lags, 0.99),
          max: lags.length ? lags[lags.length - 1] : null,
          mean: mean === null ? null : Math.round(mean),
        },
        gets: getCount,
        lists: gets.lists,
        listedIds: gets.listedIds,
        getsPerSec: getWindowS ? getCount / getWindowS : null,
        getWindowS,
        firstSecondGets,
        busiestSecond: gets.busiestSecond(),
        rss,
        eventLoopUtilization: elu,
        timings,
        timingLine,
        failures,
      };
    } finally {
      await gateway.close();
    }
  } finally {
    await sampler?.stop();
    gets?.stop();
    timer.restore();
    await sandbox.close();
  }
}

export async function pollerScenario(settings: PollerSettings, dbs: BenchDatabases, log: Log): Promise<ScenarioOutput> {
  const n = settings.tasks;
  log(
    `S5 background sync: ${n} in-flight tasks, budget ${settings.rps} calls/s, backoff ${settings.backoffMs} ms; ` +
      `then ${settings.budgetTasks} tasks at the default budget of ${settings.budgetRps}/s for ${settings.budgetWindowS} s`,
  );
  const main = await pollerRun(settings, { label: `S5 ${n} tasks @ ${settings.rps}/s`, tasks: n, rps: settings.rps }, dbs, log);
  const budget = await pollerRun(
    settings,
    { label: `S5 budget ${settings.budgetRps}/s`, tasks: settings.budgetTasks, rps: settings.budgetRps, windowS: settings.budgetWindowS },
    dbs,
    log,
  );

  const failures = [...main.failures, ...budget.failures];
  // A token bucket of one second's worth: any window of W s may see rate × (W + 1) calls, and rate × W on average.
  const budgetAllowed = budget.rps * (settings.budgetWindowS + 1);
  if (budget.gets > budgetAllowed) {
    failures.push(`S5 budget ${budget.rps}/s: ${budget.gets} upstream calls in ${settings.budgetWindowS} s, more than the ${budgetAllowed} the budget allows`);
  }
  if (budget.busiestSecond > 2 * budget.rps) {
    failures.push(`S5 budget ${budget.rps}/s: ${budget.busiestSecond} upstream calls within one second, more than twice the budget`);
  }

  const mainGetRatio = main.getsPerSec === null ? null : main.getsPerSec / main.rps;
  const budgetRatio = budget.getsPerSec === null ? null : budget.getsPerSec / budget.rps;
  const fmtMs = (v: number | null) => (v === null ? 'n/a' : `${v} ms`);
  const fmtX = (v: number | null) => (v === null ? 'n/a' : `×${v.toFixed(2)}`);
  const perInterval = main.lagPerInterval;
  const goal = perInterval.p99 === null ? 'n/a' : perInterval.p99 <= 2 ? 'met' : 'missed';
  const rows: ReportRow[] = [
    {
      scenario: SCENARIO,
      target: `${n} tasks, budget ${main.rps} calls/s`,
      unit: 'settled/s',
      reqPerSec: main.settledPerSec,
      p50: main.lag.p50,
      p99: main.lag.p99,
      comparison:
        `lag ÷ poll interval p99 ${fmtX(perInterval.p99)} (goal ≤ 2: ${goal}), p50 ${fmtX(perInterval.p50)}, max ${fmtX(perInterval.max)}; ` +
        `p50/p99 = settlement lag; all settled ${main.allSettledMs === null ? 'n/a' : `${seconds(main.allSettledMs)} s`} after release; ` +
        `lag p95 ${fmtMs(main.lag.p95)}, max ${fmtMs(main.lag.max)}; ${main.gets} upstream calls (${(main.gets / n).toFixed(2)}/task; ${main.lists} lists carrying ${main.listedIds} task ids, ${main.gets - main.lists} GETs), ` +
        `${main.getsPerSec?.toFixed(0) ?? 'n/a'}/s = ×${mainGetRatio?.toFixed(2) ?? 'n/a'} of budget; peak RSS ${main.rss.peakMb.toFixed(0)} MB`,
      validRounds: main.failures.length === 0 ? 1 : 0,
      totalRounds: 1,
      rounds: [],
      ratios: { lagPerIntervalP50: perInterval.p50, lagPerIntervalP99: perInterval.p99 },
      details: { ...main, failures: undefined },
    },
    {
      scenario: SCENARIO,
      target: `${budget.tasks} tasks, budget ${budget.rps} calls/s (default)`,
      unit: 'calls/s',
      reqPerSec: budget.getsPerSec,
      p50: null,
      p99: null,
      comparison:
        `${budget.gets} upstream calls in ${settings.budgetWindowS} s = ×${budgetRatio?.toFixed(2) ?? 'n/a'} of the ${budget.rps}/s budget ` +
        `(${budget.firstSecondGets} in the first second before that, from the full bucket; busiest 1-s window ${budget.busiestSecond}); ${budget.settled} settled meanwhile`,
      validRounds: budget.failures.length === 0 && budget.gets <= budgetAllowed && budget.busiestSecond <= 2 * budget.rps ? 1 : 0,
      totalRounds: 1,
      rounds: [],
      details: { ...budget, failures: undefined, allowedGets: budgetAllowed },
    },
  ];
  const notes = [
    `S5: sandbox tasks stay queued ${settings.queuedMs} ms and run ${settings.runningMs} ms; the ${n} were created through the sandbox's data plane ` +
      `in ${main.createS.toFixed(1)} s held queued, their records seeded as \`queued\` due now in ${main.seedS.toFixed(1)} s, then all released at once, ` +
      `so they all finished upstream within ${main.firstFinish !== null && main.lastFinish !== null ? main.lastFinish - main.firstFinish : 'n/a'} ms ` +
      `(${main.firstFinish !== null ? main.firstFinish - main.releasedAt : 'n/a'} ms after release). Settled/s = N ÷ (last − first ledger entry) ` +
      `(N ÷ (last ledger entry − first upstream finish) = ${main.settledPerSecSinceFinish?.toFixed(0) ?? 'n/a'}/s). ` +
      `Lag = ledger entry created_at − the sandbox's finish time (ms); mean ${fmtMs(main.lag.mean)}. ` +
      `It includes the wait for the task's next look under the backoff (${settings.backoffMs} ms after the 1st, 2nd, … look).`,
    `S5 poll interval: for each settled task, the back-off step in effect when it finished upstream — the gap scheduled between the sync's ` +
      `last look before the finish (upstream calls asking for the task, from the sandbox's request log) and the next (after the k-th look, the k-th step; ` +
      `a task not looked at before it finished counts with the first step) — and its lag as a multiple of it; goal p99 ≤ 2. ` +
      `Tasks per interval: ${Object.entries(perInterval.byInterval)
        .map(([ms, c]) => `${ms} ms ${c}`)
        .join(', ')}; per looks before the finish: ${Object.entries(perInterval.byLooksBefore)
        .map(([k, c]) => `${k}: ${c}`)
        .join(', ')}.`,
    `S5 where the time goes (${n} tasks @ ${main.rps}/s): event loop ${(main.eventLoopUtilization * 100).toFixed(0)}% busy from seeding to the last settlement; ` +
      `${main.timingLine}. Busiest 1-s window ${main.busiestSecond} upstream calls. RSS ${main.rss.startMb.toFixed(0)} → peak ${main.rss.peakMb.toFixed(0)} MB ` +
      `(heapUsed peak ${main.rss.peakHeapUsedMb.toFixed(0)} MB; longest sampling gap ${main.rss.longestGapMs.toFixed(0)} ms).`,
  ];
  return { rows, notes, failures };
}
