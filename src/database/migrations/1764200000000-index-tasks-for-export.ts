import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/** Lets the auditor export walk all tasks in creation order page by page with an index range scan. */
export class IndexTasksForExport1764200000000 implements MigrationInterface {
  name = 'IndexTasksForExport1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('tasks', new TableIndex({ name: 'idx_tasks_created_id', columnNames: ['created_at', 'id'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('tasks', 'idx_tasks_created_id');
  }
}
