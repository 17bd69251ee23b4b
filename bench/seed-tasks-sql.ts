/**
 * Bulk seeding of one tenant's finished tasks by set-based SQL: the rows bench/seed-tasks.ts `seedTasks` writes (finished,
 * one second apart, newest last, 16 in 20 succeeded, 2 failed, 1 expired, 1 cancelled, the same JSON shapes), made by one
 * INSERT … SELECT per 20,000 rows over a generated series instead of row objects built in JavaScript: a million rows in
 * about a minute on a loaded 2-core machine, where `seedTasks` takes many. For S4 and bench/profile-list.ts; the database's
 * triggers keep the list counters as for any other insert. No ledger entries.
 */
import type { DataSource } from 'typeorm';
import { UnitOfWork } from '../src/database/unit-of-work';
import { analyzeSeeded, type Log, type SeedReport } from './seed-tasks';

/** Rows per INSERT … SELECT: short enough that the servers in this process keep their timers between statements. */
const ROWS_PER_STATEMENT = 20_000;

/** `rows` finished tasks of `tenantId`; what it wrote, per status, as `seedTasks` reports it. */
export async function seedFinishedTasksBySql(ds: DataSource, tenantId: string, rows: number, log: Log): Promise<SeedReport> {
  const started = Date.now();
  const pg = ds.options.type === 'postgres';
  const tag = Math.random().toString(36).slice(2, 10);
  const first = Date.now() - rows * 1000;
  const cat = (...parts: string[]) => parts.join(' || ');
  const text = (i: string) => (pg ? `${i}::text` : `CAST(${i} AS TEXT)`);
  const status = `CASE WHEN i % 20 < 16 THEN 'succeeded' WHEN i % 20 < 18 THEN 'failed' WHEN i % 20 = 18 THEN 'expired' ELSE 'cancelled' END`;
  const createdAt = `(${first} + i * 1000)`;
  const request = cat(
    `'{"model":"dreamina-seedance-2-0-fast-260128","content":[{"type":"text","text":"A quiet cinematic shot of a paper boat floating on calm water, take '`,
    text('i'),
    `'."}],"duration":4,"ratio":"16:9","resolution":"480p","generate_audio":false}'`,
  );
  const upstreamTask = cat(
    `'{"id":"cgt-${tag}-'`,
    text('i'),
    `'","model":"dreamina-seedance-2-0-fast-260128","status":"'`,
    'status',
    `'","error":'`,
    `CASE WHEN status = 'failed' THEN '{"code":"OutputVideoSensitiveContentDetected","message":"The output video may contain sensitive information."}' ELSE 'null' END`,
    `',"content":'`,
    `CASE WHEN status = 'succeeded' THEN '{"video_url":"https://ark-content.example.com/files/cgt-${tag}-' || ${text('i')} || '.mp4"}' ELSE '{}' END`,
    `CASE WHEN status = 'succeeded' THEN ',"usage":{"completion_tokens":40594,"total_tokens":40594}' ELSE '' END`,
    `',"created_at":'`,
    text(`(${createdAt} / 1000)`),
    `',"updated_at":'`,
    text(`((${createdAt} + 45000) / 1000)`),
    `',"seed":'`,
    text('(1000 + i)'),
    `',"resolution":"480p","ratio":"16:9","duration":4,"framespersecond":24,"service_tier":"default","execution_expires_after":172800,"generate_audio":false,"draft":false,"priority":0}'`,
  );
  const series = pg ? 'generate_series($1::bigint, $2::bigint - 1) AS g(i)' : 'seq';
  const withSeq = pg ? '' : 'WITH RECURSIVE seq(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < ?) ';
  const sql =
    `INSERT INTO tasks (id, task_id, tenant_id, model, upstream_model, status, upstream_request, upstream_task, has_video_input, resolution, ratio, ` +
    `duration, request_id, error_code, hidden_at, created_at, updated_at, finished_at, next_sync_at, sync_attempts, reserved_nano) ` +
    `${withSeq}SELECT 'L${tag}-' || ${text('i')}, 'cgt-${tag}-' || ${text('i')}, '${tenantId}', 'dreamina-seedance-2-0-fast', ` +
    `'dreamina-seedance-2-0-fast-260128', status, ${request}, ${upstreamTask}, ${pg ? 'false' : '0'}, '480p', '16:9', 4, 'bench-${tag}-' || ${text('i')}, ` +
    `CASE WHEN status = 'failed' THEN 'OutputVideoSensitiveContentDetected' END, NULL, ${createdAt}, ${createdAt} + 45000, ${createdAt} + 45000, NULL, 0, 0 ` +
    `FROM (SELECT i, ${status} AS status FROM ${series}) s`;
  const uow = UnitOfWork.for(ds);
  for (let from = 0; from < rows; from += ROWS_PER_STATEMENT) {
    const to = Math.min(rows, from + ROWS_PER_STATEMENT);
    // Through the gateway's UnitOfWork: on SQLite the app shares one connection with its own transactions.
    await uow.transaction((m) => m.query(sql, [from, to]));
    if (to % 100_000 === 0 || to === rows) log(`  seeded ${to}/${rows} tasks (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await analyzeSeeded(ds, ['tasks']);
  const byStatus: Record<string, number> = {};
  const cycles = Math.floor(rows / 20);
  const rest = rows % 20;
  byStatus.succeeded = cycles * 16 + Math.min(rest, 16);
  byStatus.failed = cycles * 2 + Math.max(0, Math.min(rest, 18) - 16);
  byStatus.expired = cycles + (rest > 18 ? 1 : 0);
  byStatus.cancelled = cycles;
  return { rows, ledgerEntries: 0, seconds: (Date.now() - started) / 1000, byStatus };
}
