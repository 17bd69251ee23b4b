import { MigrationInterface, QueryRunner } from 'typeorm';

/** The share of each `tasks` page PostgreSQL fills with new rows, leaving the rest for their later versions. */
export const TASKS_FILLFACTOR = 80;

/**
 * Fewer index writes for each change of a task (bench/profiles/S2.md, seventh round: on PostgreSQL three quarters of
 * the write-ahead log's records during creates were index-leaf inserts, 76 per create).
 *
 * - `idx_tasks_tenant_created` (tenant_id, created_at) goes: `idx_tasks_tenant_created_id` (tenant_id, created_at, id)
 *   answers everything it did, in the same order, and every insert, and on PostgreSQL every update that is not HOT,
 *   wrote both. Both engines.
 * - PostgreSQL: `tasks` pages are filled to 80% by inserts (fillfactor), so the versions a task's later updates write
 *   (the sync's leases, looks and releases) can stay on its page; an update that changes no indexed column (a lease
 *   taken or released) is then a HOT update, which writes none of the table's indexes. Only pages written from now
 *   on keep the room. SQLite has no such setting.
 */
export class FewerIndexWritesPerTaskUpdate1765400000000 implements MigrationInterface {
  name = 'FewerIndexWritesPerTaskUpdate1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS idx_tasks_tenant_created');
    if (q.connection.options.type === 'postgres') await q.query(`ALTER TABLE tasks SET (fillfactor = ${TASKS_FILLFACTOR})`);
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.options.type === 'postgres') await q.query('ALTER TABLE tasks RESET (fillfactor)');
    await q.query('CREATE INDEX IF NOT EXISTS idx_tasks_tenant_created ON tasks (tenant_id, created_at)');
  }
}
