import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/** Lets a tenant's list page (status filter, newest first) and its total come from one index. */
export class IndexTasksForListing1764100000000 implements MigrationInterface {
  name = 'IndexTasksForListing1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex(
      'tasks',
      new TableIndex({ name: 'idx_tasks_tenant_status_hidden_created', columnNames: ['tenant_id', 'status', 'hidden_at', 'created_at'] }),
    );
    await q.createIndex('tasks', new TableIndex({ name: 'idx_tasks_tenant_hidden_created', columnNames: ['tenant_id', 'hidden_at', 'created_at'] }));
    await q.dropIndex('tasks', 'idx_tasks_tenant_status');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.createIndex('tasks', new TableIndex({ name: 'idx_tasks_tenant_status', columnNames: ['tenant_id', 'status'] }));
    await q.dropIndex('tasks', 'idx_tasks_tenant_hidden_created');
    await q.dropIndex('tasks', 'idx_tasks_tenant_status_hidden_created');
  }
}
