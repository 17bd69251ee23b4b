import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * The OpenAI-compatible facade's own record of each video: its `video_…` id (ours, stable), the task it is
 * (the upstream `cgt-…` id, one video per task), and what the client asked for in the facade's terms.
 */
export class CreateVideos1764700000000 implements MigrationInterface {
  name = 'CreateVideos1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'videos',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'tenant_id', type: 'varchar', length: '36' },
          { name: 'task_id', type: 'varchar', length: '64', isUnique: true },
          { name: 'prompt', type: 'text' },
          { name: 'size', type: 'varchar', length: '16' },
          { name: 'seconds', type: 'integer' },
          { name: 'created_at', type: 'bigint' },
          { name: 'deleted_at', type: 'bigint', isNullable: true },
        ],
        foreignKeys: [{ columnNames: ['tenant_id'], referencedTableName: 'tenants', referencedColumnNames: ['id'] }],
      }),
    );
    await q.createIndex('videos', new TableIndex({ name: 'idx_videos_tenant_created_id', columnNames: ['tenant_id', 'created_at', 'id'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('videos');
  }
}
