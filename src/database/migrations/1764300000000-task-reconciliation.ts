import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * Unknown upstream outcomes (docs/contract.md §9): why a record needs the operator, indexed for the reconciliation view. The
 * `unknown` status itself is a new value of the existing `status` column; the reconciler finds such rows through
 * idx_tasks_status_sync (status, next_sync_at).
 */
export class TaskReconciliation1764300000000 implements MigrationInterface {
  name = 'TaskReconciliation1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('tasks', new TableColumn({ name: 'reconcile_reason', type: 'varchar', length: '32', isNullable: true }));
    await q.createIndex('tasks', new TableIndex({ name: 'idx_tasks_reconcile_reason', columnNames: ['reconcile_reason', 'created_at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('tasks', 'idx_tasks_reconcile_reason');
    await q.dropColumn('tasks', 'reconcile_reason');
  }
}
