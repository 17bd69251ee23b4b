import { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { factories, taskDraft } from '../../../test/support/factories';
import { openMigratedDataSource } from '../../../test/support/test-database';
import { TaskEntity } from '../../tasks/task.entity';
import { ResolutionAsUpstreamReported1765100000000 } from './1765100000000-resolution-as-upstream-reported';

/**
 * Medium, both engines: the migration gives every record the resolution upstream reported as text, and leaves the
 * others (none reported, a non-text value, already equal) as they are; run again, it changes nothing.
 */
describe('migration: a record’s resolution is the one upstream reported', () => {
  let ds: DataSource;
  let close: () => Promise<void>;

  beforeAll(async () => ({ ds, close } = await openMigratedDataSource()));
  afterAll(async () => close());

  it('takes upstream’s text resolution where the column differs, and nothing else', async () => {
    const tenant = await factories(ds).newTenant();
    const cases: [Partial<TaskEntity>, string | null][] = [
      [{ resolution: '720p', upstreamTask: { id: 'a', resolution: '1080p' } }, '1080p'],
      [{ resolution: null, upstreamTask: { id: 'b', resolution: '480p' } }, '480p'],
      [{ resolution: '720p', upstreamTask: { id: 'c', resolution: 720 } }, '720p'],
      [{ resolution: '720p', upstreamTask: { id: 'd' } }, '720p'],
      [{ resolution: null, upstreamTask: null }, null],
      [{ resolution: '480p', upstreamTask: { id: 'e', resolution: '480p' } }, '480p'],
    ];
    const ids: string[] = [];
    for (const [fields] of cases) {
      const row = { ...taskDraft(fields), tenantId: tenant.id };
      await ds.getRepository(TaskEntity).insert(row as QueryDeepPartialEntity<TaskEntity>);
      ids.push(row.id);
    }
    const runner = ds.createQueryRunner();
    try {
      for (let run = 0; run < 2; run++) {
        await new ResolutionAsUpstreamReported1765100000000().up(runner);
        const stored = await ds.getRepository(TaskEntity).findBy(ids.map((id) => ({ id })));
        expect(ids.map((id) => stored.find((t) => t.id === id)!.resolution)).toEqual(cases.map(([, expected]) => expected));
      }
    } finally {
      await runner.release();
    }
  });
});
