import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A task record's `resolution` is the one upstream reported once it has reported one as text, else the one asked for:
 * every look that records upstream's task object writes both in one change (TaskSyncService's `patchFor`), so readers
 * take the column and never parse `upstream_task` for it (the auditor export reads it for every record).
 *
 * This makes the rule hold for every record already there, whatever wrote it: where `upstream_task` carries a text
 * `resolution` the column does not hold, the column takes it. (No record this gateway wrote differs; the statement
 * changes nothing then.) Nothing to undo: the value it writes is the one readers showed before.
 */
export class ResolutionAsUpstreamReported1765100000000 implements MigrationInterface {
  name = 'ResolutionAsUpstreamReported1765100000000';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.options.type === 'postgres') {
      await q.query(
        `UPDATE tasks SET resolution = upstream_task::json ->> 'resolution'
         WHERE upstream_task IS NOT NULL AND json_typeof(upstream_task::json -> 'resolution') = 'string'
           AND resolution IS DISTINCT FROM upstream_task::json ->> 'resolution'`,
      );
    } else {
      await q.query(
        `UPDATE tasks SET resolution = json_extract(upstream_task, '$.resolution')
         WHERE upstream_task IS NOT NULL AND json_type(upstream_task, '$.resolution') = 'text'
           AND resolution IS NOT json_extract(upstream_task, '$.resolution')`,
      );
    }
  }

  async down(): Promise<void> {
    // The column keeps what upstream reported: the value every reader showed for it before this migration.
  }
}
