import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Lets the admin task log (`GET /admin/tasks`), filtered by status or by model across tenants, read
 * each page newest first as an index range scan. (Unfiltered and per-tenant pages use the existing
 * idx_tasks_created_id and idx_tasks_tenant_created.)
 */
export class IndexTasksForAdminLog1764800000000 implements MigrationInterface {
  name = 'IndexTasksForAdminLog1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('tasks', new TableIndex({ name: 'idx_tasks_status_created_id', columnNames: ['status', 'created_at', 'id'] }));
    await q.createIndex('tasks', new TableIndex({ name: 'idx_tasks_model_created_id', columnNames: ['model', 'created_at', 'id'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('tasks', 'idx_tasks_model_created_id');
    await q.dropIndex('tasks', 'idx_tasks_status_created_id');
  }
}
