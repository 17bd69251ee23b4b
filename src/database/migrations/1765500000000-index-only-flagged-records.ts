import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `idx_tasks_reconcile_reason` holds only the records reconciliation gave a reason, a handful, where it held every
 * record, each but those few with a null reason (bench/profiles/S2.md, eighth round). Every insert of a task, and on
 * PostgreSQL every update that is not HOT, wrote an entry to it; now only the flagged ones do. It becomes (status,
 * created_at) over those records: its two reads (the operator's view, the flagged gauge) say
 * `reconcile_reason IS NOT NULL AND status = 'rejected'`, which both planners match to the index's condition, and the
 * view reads newest first. Both engines.
 *
 * `idx_tasks_status_sync` stays a full index although only tasks with a next look are read through it by the claims:
 * the `arkgate_tasks` gauge counts every record by status from it, which a partial index could not serve.
 */
export class IndexOnlyFlaggedRecords1765500000000 implements MigrationInterface {
  name = 'IndexOnlyFlaggedRecords1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS idx_tasks_reconcile_reason');
    await q.query('CREATE INDEX idx_tasks_reconcile_reason ON tasks (status, created_at) WHERE reconcile_reason IS NOT NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS idx_tasks_reconcile_reason');
    await q.query('CREATE INDEX idx_tasks_reconcile_reason ON tasks (reconcile_reason, created_at)');
  }
}
