import { openMigratedDataSource } from '../../test/support/test-database';
import { UnitOfWork } from './unit-of-work';

describe('UnitOfWork (medium)', () => {
  it('concurrent read-modify-write transactions all commit and none is lost', async () => {
    const { ds, close } = await openMigratedDataSource();
    try {
      await ds.query('CREATE TABLE uow_counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)');
      await ds.query('INSERT INTO uow_counter (id, n) VALUES (1, 0)');
      const uow = UnitOfWork.for(ds);
      const lock = uow.engine === 'postgres' ? ' FOR UPDATE' : '';
      const results = await Promise.allSettled(
        Array.from({ length: 30 }, () =>
          uow.transaction(async (m) => {
            const [{ n }] = await m.query(`SELECT n FROM uow_counter WHERE id = 1${lock}`);
            await new Promise((r) => setTimeout(r, 2));
            await m.query(`UPDATE uow_counter SET n = ${Number(n) + 1} WHERE id = 1`);
          }),
        ),
      );
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      expect(Number((await ds.query('SELECT n FROM uow_counter WHERE id = 1'))[0].n)).toBe(30);
    } finally {
      await close();
    }
  });

  it('a failed transaction rolls back only its own writes', async () => {
    const { ds, close } = await openMigratedDataSource();
    try {
      await ds.query('CREATE TABLE uow_rows (id INTEGER PRIMARY KEY)');
      const uow = UnitOfWork.for(ds);
      const failing = uow.transaction(async (m) => {
        await m.query('INSERT INTO uow_rows (id) VALUES (1)');
        await new Promise((r) => setTimeout(r, 20));
        throw new Error('boom');
      });
      const other = uow.exclusive(() => ds.query('INSERT INTO uow_rows (id) VALUES (2)'));
      await expect(failing).rejects.toThrow('boom');
      await other;
      expect((await ds.query('SELECT id FROM uow_rows ORDER BY id')).map((r: { id: number }) => Number(r.id))).toEqual([2]);
    } finally {
      await close();
    }
  });
});
