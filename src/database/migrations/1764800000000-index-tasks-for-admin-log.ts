import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Lets the admin task log (`GET /admin/tasks`), filtered by tenant, status or model, read each page newest
 * first as one index range scan in (created_at, id) order, with no sort. (Unfiltered and time-range pages
 * use the existing idx_tasks_created_id.)
 */
export class IndexTasksForAdminLog1764800000000 implements MigrationInterface {
  name = 'IndexTasksForAdminLog1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('tasks', new TableIndex({ name: 'idx_tasks_tenant_created_id', columnNames: ['tenant_id', 'created_at', 'id'] }));
    await q.createIndex('tasks', new TableIndex({ name: 'idx_tasks_status_created_id', columnNames: ['status', 'created_at', 'id'] }));
    await q.createIndex('tasks', new TableIndex({ name: 'idx_tasks_model_created_id', columnNames: ['model', 'created_at', 'id'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('tasks', 'idx_tasks_model_created_id');
    await q.dropIndex('tasks', 'idx_tasks_status_created_id');
    await q.dropIndex('tasks', 'idx_tasks_tenant_created_id');
  }
}
