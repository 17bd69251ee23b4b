import { MigrationInterface, QueryRunner } from 'typeorm';
import { createPostgresRowTriggers, SLOTS, VISIBLE } from './1765000000000-count-visible-tasks';

/**
 * PostgreSQL: `task_counts` (CountVisibleTasks1765000000000) kept by one trigger call per statement for updates and
 * deletes too, as for inserts already: the rows a statement changed (its transition tables), netted per tenant, model
 * and status, one upsert per counter that moved. A row trigger ran a function and two upserts per task whose status
 * changed, on the same few counter rows: 4–6 ms of the UPDATE of a 200-task group commit of the background sync, against
 * 0.3–0.5 ms for the statement trigger (EXPLAIN ANALYZE, warm backend).
 *
 * The counters a statement moves are taken in (tenant, model, lifecycle) order: queued, then running, then the finished
 * states. A task only moves forward, so a single-task change still takes its old counter before its new one, as the
 * row trigger did. A statement that moves no count (a lease, a schedule) upserts nothing.
 *
 * SQLite keeps its row triggers (it has no statement triggers).
 */
export class CountTaskChangesPerStatement1765300000000 implements MigrationInterface {
  name = 'CountTaskChangesPerStatement1765300000000';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.options.type !== 'postgres') return;
    const counted = (rows: string, delta: 1 | -1) =>
      `SELECT tenant_id, model, status, ${delta} AS d FROM ${rows} WHERE hidden_at IS NULL AND status IN ${VISIBLE}`;
    const upsert = (source: string) => `
      INSERT INTO task_counts (tenant_id, model, status, slot, n)
      SELECT tenant_id, model, status, pg_backend_pid() % ${SLOTS}, SUM(d) FROM (${source}) c
      GROUP BY tenant_id, model, status HAVING SUM(d) <> 0
      ORDER BY tenant_id, model, CASE status WHEN 'queued' THEN 0 WHEN 'running' THEN 1 ELSE 2 END, status
      ON CONFLICT (tenant_id, model, status, slot) DO UPDATE SET n = task_counts.n + EXCLUDED.n;`;
    await dropUpdateAndDeleteTriggers(q);
    await q.query(`
      CREATE FUNCTION task_counts_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        ${upsert(`${counted('old_tasks', -1)} UNION ALL ${counted('new_tasks', 1)}`)}
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION task_counts_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        ${upsert(counted('old_tasks', -1))}
        RETURN NULL;
      END $$`);
    await q.query(
      `CREATE TRIGGER task_counts_update AFTER UPDATE ON tasks REFERENCING OLD TABLE AS old_tasks NEW TABLE AS new_tasks
       FOR EACH STATEMENT EXECUTE FUNCTION task_counts_on_update()`,
    );
    await q.query(
      'CREATE TRIGGER task_counts_delete AFTER DELETE ON tasks REFERENCING OLD TABLE AS old_tasks FOR EACH STATEMENT EXECUTE FUNCTION task_counts_on_delete()',
    );
  }

  /** Back to CountVisibleTasks1765000000000's row triggers for updates and deletes. */
  async down(q: QueryRunner): Promise<void> {
    if (q.connection.options.type !== 'postgres') return;
    await dropUpdateAndDeleteTriggers(q);
    await createPostgresRowTriggers(q);
  }
}

async function dropUpdateAndDeleteTriggers(q: QueryRunner): Promise<void> {
  await q.query('DROP TRIGGER task_counts_update ON tasks');
  await q.query('DROP TRIGGER task_counts_delete ON tasks');
  await q.query('DROP FUNCTION task_counts_on_update()');
  await q.query('DROP FUNCTION task_counts_on_delete()');
}
