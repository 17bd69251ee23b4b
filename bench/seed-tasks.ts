/**
 * Bulk seeding of one tenant's task records straight through TypeORM, for the list benchmark.
 *
 * Every seeded task is finished (succeeded, failed, expired or cancelled), so nothing is left for a
 * refresh or a background sync to chase upstream. Creation times are one second apart, newest last.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { TaskEntity, type TaskStatus } from '../src/tasks/task.entity';

const ROWS_PER_INSERT = 500;
const ROWS_PER_TRANSACTION = 10_000;

const MODEL = 'dreamina-seedance-2-0-fast';
const UPSTREAM_MODEL = 'dreamina-seedance-2-0-fast-260128';

/** Share of each finished status, out of 20: 16 succeeded, 2 failed, 1 expired, 1 cancelled. */
const STATUS_CYCLE: TaskStatus[] = [
  ...Array<TaskStatus>(16).fill('succeeded'),
  'failed',
  'failed',
  'expired',
  'cancelled',
];

export interface SeedReport {
  rows: number;
  seconds: number;
  byStatus: Record<string, number>;
}

export async function seedTasks(
  dataSource: DataSource,
  tenantId: string,
  rows: number,
  log: (line: string) => void,
): Promise<SeedReport> {
  const started = Date.now();
  const firstCreatedAt = started - rows * 1000;
  const tag = randomUUID().slice(0, 8);
  const byStatus: Record<string, number> = {};

  for (let from = 0; from < rows; from += ROWS_PER_TRANSACTION) {
    const to = Math.min(rows, from + ROWS_PER_TRANSACTION);
    await dataSource.transaction(async (manager) => {
      for (let chunk = from; chunk < to; chunk += ROWS_PER_INSERT) {
        const batch: SeededTask[] = [];
        for (let i = chunk; i < Math.min(to, chunk + ROWS_PER_INSERT); i++) {
          const row = seededTask(tenantId, tag, i, firstCreatedAt + i * 1000);
          byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
          batch.push(row);
        }
        await manager.createQueryBuilder().insert().into(TaskEntity).values(batch as QueryDeepPartialEntity<TaskEntity>[]).execute();
      }
    });
    // better-sqlite3 works synchronously: let the event loop breathe between transactions, so the servers
    // in this process keep their timers (e.g. closing idle keep-alive connections cleanly).
    await new Promise((resolve) => setImmediate(resolve));
    if (to % 50_000 === 0 || to === rows) log(`  seeded ${to}/${rows} tasks (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  return { rows, seconds: (Date.now() - started) / 1000, byStatus };
}

/** A task record as inserted; columns left out take their database default. */
type SeededTask = Partial<TaskEntity> & { status: TaskStatus };

function seededTask(tenantId: string, tag: string, i: number, createdAt: number): SeededTask {
  const status = STATUS_CYCLE[i % STATUS_CYCLE.length];
  const taskId = `cgt-${tag}-${i.toString(36).padStart(6, '0')}`;
  const finishedAt = createdAt + 45_000;
  const request = {
    model: UPSTREAM_MODEL,
    content: [{ type: 'text', text: `A quiet cinematic shot of a paper boat floating on calm water, take ${i}.` }],
    duration: 4,
    ratio: '16:9',
    resolution: '480p',
    generate_audio: false,
  };
  const failed = status === 'failed';
  const upstreamTask: Record<string, unknown> = {
    id: taskId,
    model: UPSTREAM_MODEL,
    status,
    error: failed ? { code: 'OutputVideoSensitiveContentDetected', message: 'The output video may contain sensitive information.' } : null,
    content: status === 'succeeded' ? { video_url: `https://ark-content.example.com/files/${taskId}.mp4` } : {},
    ...(status === 'succeeded' ? { usage: { completion_tokens: 40594, total_tokens: 40594 } } : {}),
    created_at: Math.floor(createdAt / 1000),
    updated_at: Math.floor(finishedAt / 1000),
    seed: 1000 + i,
    resolution: '480p',
    ratio: '16:9',
    duration: 4,
    framespersecond: 24,
    service_tier: 'default',
    execution_expires_after: 172800,
    generate_audio: false,
    draft: false,
    priority: 0,
  };
  return {
    id: randomUUID(),
    taskId,
    tenantId,
    model: MODEL,
    upstreamModel: UPSTREAM_MODEL,
    status,
    upstreamRequest: request,
    upstreamTask,
    hasVideoInput: false,
    resolution: '480p',
    ratio: '16:9',
    duration: 4,
    safetyIdentifier: null,
    callbackUrl: null,
    requestId: `bench-${tag}-${i}`,
    errorCode: failed ? 'OutputVideoSensitiveContentDetected' : null,
    hiddenAt: null,
    createdAt,
    updatedAt: finishedAt,
    finishedAt,
    nextSyncAt: null,
  };
}
