import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * The facade reserves its `video_…` id before the native create (docs/contract.md §9, §11): a video row may exist before its
 * task has an upstream id, bound to the task record's own id (`record_id`, known before the upstream call). So
 * `task_id` becomes nullable and `record_id` is added, unique.
 */
export class VideosReservedBeforeCreate1764900000000 implements MigrationInterface {
  name = 'VideosReservedBeforeCreate1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.changeColumn('videos', 'task_id', new TableColumn({ name: 'task_id', type: 'varchar', length: '64', isUnique: true, isNullable: true }));
    await q.addColumn('videos', new TableColumn({ name: 'record_id', type: 'varchar', length: '36', isNullable: true }));
    await q.createIndex('videos', new TableIndex({ name: 'uq_videos_record_id', columnNames: ['record_id'], isUnique: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DELETE FROM videos WHERE task_id IS NULL');
    await q.dropIndex('videos', 'uq_videos_record_id');
    await q.dropColumn('videos', 'record_id');
    await q.changeColumn('videos', 'task_id', new TableColumn({ name: 'task_id', type: 'varchar', length: '64', isUnique: true, isNullable: false }));
  }
}
