/**
 * Bulk seeding of task records straight through TypeORM, for the list, poller and export benchmarks.
 *
 * `seedTasks` writes one tenant's finished tasks (succeeded, failed, expired or cancelled), so nothing is
 * left for a refresh or a background sync to chase upstream; creation times are one second apart, newest
 * last. With `ledger`, every succeeded one also gets its ledger entry, as settlement would have written it.
 *
 * `seedInFlightTasks` writes `queued` records of tasks that exist upstream, due for the background sync.
 *
 * Every transaction goes through the gateway's UnitOfWork: on SQLite the app shares one connection, and a
 * transaction opened beside its own (e.g. the background sync's) would collide with it.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { LedgerEntryEntity } from '../src/billing/ledger-entry.entity';
import { chargeNano, parseUsd } from '../src/common/money';
import { SEED_PRICES, skuFor } from '../src/billing/sku-rules';
import { UnitOfWork } from '../src/database/unit-of-work';
import { TaskEntity, type TaskStatus } from '../src/tasks/task.entity';

const ROWS_PER_INSERT = 500;
const ROWS_PER_TRANSACTION = 5_000;

const MODEL = 'dreamina-seedance-2-0-fast';
const UPSTREAM_MODEL = 'dreamina-seedance-2-0-fast-260128';
const RESOLUTION = '480p';
/** What the sandbox reports for a 4 s 480p 16:9 task. */
const COMPLETION_TOKENS = 40594;

/** Share of each finished status, out of 20: 16 succeeded, 2 failed, 1 expired, 1 cancelled. */
const STATUS_CYCLE: TaskStatus[] = [...Array<TaskStatus>(16).fill('succeeded'), 'failed', 'failed', 'expired', 'cancelled'];

/** The seeded tasks' charge, as settlement computes it at the seed price. */
const SKU = skuFor({ family: 'fast', resolution: RESOLUTION, hasVideoInput: false });
const NANO_PER_MILLION = parseUsd(SEED_PRICES.find(([sku]) => sku === SKU)![1]);
const AMOUNT_NANO = chargeNano(COMPLETION_TOKENS, NANO_PER_MILLION);

export interface SeedReport {
  rows: number;
  /** Ledger entries written alongside (with `ledger`). */
  ledgerEntries: number;
  seconds: number;
  byStatus: Record<string, number>;
}

export interface SeedOptions {
  /** Also write the ledger entry of every succeeded task. */
  ledger?: boolean;
  /** Progress line every this many rows; default 50,000. */
  logEvery?: number;
}

export type Log = (line: string) => void;

export async function seedTasks(dataSource: DataSource, tenantId: string, rows: number, log: Log, opts: SeedOptions = {}): Promise<SeedReport> {
  const started = Date.now();
  const firstCreatedAt = started - rows * 1000;
  const tag = randomUUID().slice(0, 8);
  const byStatus: Record<string, number> = {};
  const logEvery = opts.logEvery ?? 50_000;
  let ledgerEntries = 0;

  await inTransactions(dataSource, rows, async (manager, from, to) => {
    const tasks: SeededTask[] = [];
    for (let i = from; i < to; i++) {
      const row = seededTask(tenantId, tag, i, firstCreatedAt + i * 1000);
      byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
      tasks.push(row);
    }
    await insertAll(manager, TaskEntity, tasks);
    if (opts.ledger) {
      const entries = tasks.filter((t) => t.status === 'succeeded').map(ledgerEntryOf);
      await insertAll(manager, LedgerEntryEntity, entries);
      ledgerEntries += entries.length;
    }
    if (to % logEvery === 0 || to === rows) log(`  seeded ${to}/${rows} tasks (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  });
  await analyzeSeeded(dataSource, opts.ledger ? ['tasks', 'ledger_entries'] : ['tasks']);
  return { rows, ledgerEntries, seconds: (Date.now() - started) / 1000, byStatus };
}

/**
 * PostgreSQL: gathers the planner's statistics of tables just seeded, as autovacuum does on a server with its default
 * settings within a minute of a bulk insert (the bench's server may have autovacuum off). Without them the planner
 * guesses: on 100,000 fresh records it read each export page through `idx_tasks_reconcile_reason` and sorted it,
 * 60 ms a page where `idx_tasks_created_id` takes 2 (bench/profiles/S6.md, tenth round). SQLite: nothing.
 */
export async function analyzeSeeded(dataSource: DataSource, tables: readonly string[]): Promise<void> {
  if (dataSource.options.type !== 'postgres') return;
  for (const table of tables) await dataSource.query(`ANALYZE ${dataSource.driver.escape(table)}`);
}

/** A task that exists upstream (its `cgt-…` id) and was created at `createdAt`. */
export interface InFlightTask {
  taskId: string;
  createdAt: number;
}

/**
 * Records of tasks accepted upstream and not yet finished, as a create leaves them (`queued`, no upstream
 * task object read yet), due for the background sync at `nextSyncAt`. Returns the records' ids (tasks.id).
 */
export async function seedInFlightTasks(
  dataSource: DataSource,
  tenantId: string,
  tasks: InFlightTask[],
  nextSyncAt: number,
  log: Log,
): Promise<{ ids: string[]; seconds: number }> {
  const started = Date.now();
  const tag = randomUUID().slice(0, 8);
  const ids: string[] = [];
  await inTransactions(dataSource, tasks.length, async (manager, from, to) => {
    const batch: Partial<TaskEntity>[] = [];
    for (let i = from; i < to; i++) {
      const { taskId, createdAt } = tasks[i];
      const id = randomUUID();
      ids.push(id);
      batch.push(
        benchTaskRow(
          { id, taskId, tenantId, requestId: `bench-${tag}-${i}`, createdAt },
          {
            status: 'queued',
            upstreamRequest: upstreamRequestOf(i),
            upstreamTask: null,
            errorCode: null,
            updatedAt: createdAt,
            finishedAt: null,
            nextSyncAt,
            reservedNano: AMOUNT_NANO.toString(),
          },
        ),
      );
    }
    await insertAll(manager, TaskEntity, batch);
  });
  log(`  seeded ${tasks.length} in-flight task records (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return { ids, seconds: (Date.now() - started) / 1000 };
}

/** The create body as sent upstream; the same for every task but the prompt. */
export function upstreamRequestOf(i: number): Record<string, unknown> {
  return {
    model: UPSTREAM_MODEL,
    content: [{ type: 'text', text: `A quiet cinematic shot of a paper boat floating on calm water, take ${i}.` }],
    duration: 4,
    ratio: '16:9',
    resolution: RESOLUTION,
    generate_audio: false,
  };
}

type Manager = Parameters<Parameters<UnitOfWork['transaction']>[0]>[0];

/** Runs `work` over [0, rows) in slices of ROWS_PER_TRANSACTION, one gateway transaction per slice. */
async function inTransactions(dataSource: DataSource, rows: number, work: (m: Manager, from: number, to: number) => Promise<void>): Promise<void> {
  const uow = UnitOfWork.for(dataSource);
  for (let from = 0; from < rows; from += ROWS_PER_TRANSACTION) {
    const to = Math.min(rows, from + ROWS_PER_TRANSACTION);
    await uow.transaction((m) => work(m, from, to));
    // better-sqlite3 works synchronously: let the event loop breathe between transactions, so the servers
    // in this process keep their timers (e.g. closing idle keep-alive connections cleanly).
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function insertAll<T extends object>(manager: Manager, entity: new () => T, rows: Partial<T>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const chunk = rows.slice(i, i + ROWS_PER_INSERT);
    await manager
      .createQueryBuilder()
      .insert()
      .into(entity)
      .values(chunk as QueryDeepPartialEntity<T>[])
      .execute();
  }
}

/** A task record as inserted; columns left out take their database default. */
type SeededTask = Partial<TaskEntity> & { id: string; taskId: string; status: TaskStatus; createdAt: number; finishedAt: number };

function ledgerEntryOf(task: SeededTask): Partial<LedgerEntryEntity> {
  return {
    id: randomUUID(),
    tenantId: task.tenantId,
    taskRef: task.id,
    taskId: task.taskId,
    model: MODEL,
    sku: SKU,
    resolution: RESOLUTION,
    hasVideoInput: false,
    tokens: String(COMPLETION_TOKENS),
    nanoPerMillion: NANO_PER_MILLION.toString(),
    amountNano: AMOUNT_NANO.toString(),
    taskCreatedAt: task.createdAt,
    createdAt: task.finishedAt,
  };
}

function seededTask(tenantId: string, tag: string, i: number, createdAt: number): SeededTask {
  const status = STATUS_CYCLE[i % STATUS_CYCLE.length];
  const taskId = `cgt-${tag}-${i.toString(36).padStart(6, '0')}`;
  const finishedAt = createdAt + 45_000;
  const request = upstreamRequestOf(i);
  const failed = status === 'failed';
  const upstreamTask: Record<string, unknown> = {
    id: taskId,
    model: UPSTREAM_MODEL,
    status,
    error: failed ? { code: 'OutputVideoSensitiveContentDetected', message: 'The output video may contain sensitive information.' } : null,
    content: status === 'succeeded' ? { video_url: `https://ark-content.example.com/files/${taskId}.mp4` } : {},
    ...(status === 'succeeded' ? { usage: { completion_tokens: COMPLETION_TOKENS, total_tokens: COMPLETION_TOKENS } } : {}),
    created_at: Math.floor(createdAt / 1000),
    updated_at: Math.floor(finishedAt / 1000),
    seed: 1000 + i,
    resolution: RESOLUTION,
    ratio: '16:9',
    duration: 4,
    framespersecond: 24,
    service_tier: 'default',
    execution_expires_after: 172800,
    generate_audio: false,
    draft: false,
    priority: 0,
  };
  return benchTaskRow(
    { id: randomUUID(), taskId, tenantId, requestId: `bench-${tag}-${i}`, createdAt },
    {
      status,
      upstreamRequest: request,
      upstreamTask,
      errorCode: failed ? 'OutputVideoSensitiveContentDetected' : null,
      updatedAt: finishedAt,
      finishedAt,
      nextSyncAt: null,
    },
  );
}

/** The fields every seeded task shares (the bench's one model, resolution, ratio and duration), plus its own. */
function benchTaskRow<O extends Partial<TaskEntity>>(
  key: { id: string; taskId: string; tenantId: string; requestId: string; createdAt: number },
  own: O,
): Partial<TaskEntity> & typeof key & O {
  return {
    ...key,
    model: MODEL,
    upstreamModel: UPSTREAM_MODEL,
    hasVideoInput: false,
    resolution: RESOLUTION,
    ratio: '16:9',
    duration: 4,
    safetyIdentifier: null,
    callbackUrl: null,
    hiddenAt: null,
    leaseOwner: null,
    leaseUntil: null,
    syncAttempts: 0,
    ...own,
  };
}
