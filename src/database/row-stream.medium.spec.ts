import { QueryFailedError, type DataSource } from 'typeorm';
import { openMigratedDataSource } from '../../test/support/test-database';
import { postgresRowStream } from './row-reader';

// node-postgres' own result class: where a query keeps the rows of its answer.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const PgResult = require('pg/lib/result') as { prototype: { addRow(row: unknown): void } };

/**
 * Medium: `postgresRowStream` hands a PostgreSQL answer over in batches as it arrives, keeps none of its rows (also
 * with the gateway's pool, which sets a query timeout), gives its connection back to the pool when the reader stops
 * early or the query fails, and is not used on SQLite.
 */
describe('postgresRowStream', () => {
  let ds: DataSource;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ ds, close } = await openMigratedDataSource());
  });
  afterAll(async () => close());
  afterEach(() => jest.restoreAllMocks());

  const onPostgres = () => ds.options.type === 'postgres';
  // Rows wide enough that an answer of a few thousand takes many socket reads.
  const WIDE_ROWS = "SELECT g AS n, repeat('x', 500) AS pad FROM generate_series(1, $1::int) g ORDER BY g";
  const pool = () => (ds.driver as unknown as { master: { totalCount: number; idleCount: number } }).master;

  it('is not used on SQLite (the caller reads the page itself)', () => {
    if (onPostgres()) return expect(postgresRowStream(ds, 'SELECT 1', [])).not.toBeNull();
    expect(postgresRowStream(ds, 'SELECT 1', [])).toBeNull();
  });

  // The stream needs PostgreSQL: these cases run in the PostgreSQL pass of CI.
  const postgresOnly = process.env.DATABASE_URL && !process.env.DATABASE_URL.startsWith('sqlite:') ? it : it.skip;

  postgresOnly('yields every row of the answer, in order, in several batches, and keeps none of them on the query', async () => {
    // The gateway's pool gives every query a read timeout, which makes node-postgres keep an answer's rows by default.
    expect((ds.options as { extra?: { query_timeout?: number } }).extra?.query_timeout).toBeGreaterThan(0);
    const kept = jest.spyOn(PgResult.prototype, 'addRow');

    const batches: Array<Array<{ n: number; pad: string }>> = [];
    for await (const batch of postgresRowStream<{ n: number; pad: string }>(ds, WIDE_ROWS, [5000])!) batches.push(batch);

    const rows = batches.flat();
    expect(rows.map((r) => r.n)).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1));
    expect(rows.every((r) => r.pad.length === 500)).toBe(true);
    expect(batches.length).toBeGreaterThan(1);
    expect(kept).not.toHaveBeenCalled();

    // The same answer read the usual way is kept row by row: the spy sees that.
    expect(await ds.query(WIDE_ROWS, [10])).toHaveLength(10);
    expect(kept).toHaveBeenCalledTimes(10);
  });

  postgresOnly('a reader that stops after the first batch leaves the connection clean and back in the pool', async () => {
    for await (const batch of postgresRowStream<{ n: number }>(ds, WIDE_ROWS, [20000])!) {
      expect(batch[0].n).toBe(1);
      break;
    }
    expect(pool().idleCount).toBe(pool().totalCount);
    // Every connection of the pool answers its next query with its own rows (none left over from the stopped answer).
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => ds.query('SELECT $1::int AS k', [i])));
    expect(answers.map((a: Array<{ k: number }>) => a[0].k)).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  postgresOnly('a failing query rejects as a TypeORM query error and gives its connection back', async () => {
    const read = async () => {
      for await (const batch of postgresRowStream(ds, 'SELECT n FROM no_such_table WHERE n > $1', [0])!) void batch;
    };
    await expect(read()).rejects.toBeInstanceOf(QueryFailedError);
    expect(pool().idleCount).toBe(pool().totalCount);
    // A failure after rows have come: the division by zero is reached at the 3,000th row.
    const late = async () => {
      let n = 0;
      for await (const batch of postgresRowStream<{ q: number }>(ds, 'SELECT 1 / (3000 - g) AS q FROM generate_series(1, 5000) g', [])!) n += batch.length;
      return n;
    };
    await expect(late()).rejects.toBeInstanceOf(QueryFailedError);
    expect(pool().idleCount).toBe(pool().totalCount);
  });
});
