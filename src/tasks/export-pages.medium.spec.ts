import Database from 'better-sqlite3';
import { type ExportPlan, type ExportRange, exportRange, HELPER_PAGE, postgresReads, splitExport, sqliteReads } from './export-pages';

/**
 * Medium (SQLite in memory): an export split between a lead and a helper reads every record once, in order, even when
 * records are committed into a range after its bounds were found; and on PostgreSQL a plan's statements are run as
 * named prepared statements with their parameters bound in the order the plan names them.
 */
describe('export pages', () => {
  const PAGE = 3;
  const columns = 'id, task_id, descriptor, status, created_at, finished_at, safety_identifier, callback_url, hidden_at, error_code, request_id';
  const page = (where: string) => `SELECT ${columns} FROM records WHERE ${where} ORDER BY created_at, id LIMIT ${PAGE}`;
  const plan: ExportPlan = {
    records: { first: page('1 = 1'), after: page('(created_at, id) > (:ac, :aid)') },
    charges: null,
    ranges: {
      records: `SELECT ${columns} FROM records WHERE (created_at, id) > (:ac, :aid) AND (created_at, id) <= (:bc, :bid) ORDER BY created_at, id LIMIT ${PAGE + 1}`,
      boundary: `SELECT created_at, id FROM records WHERE (created_at, id) > (:ac, :aid) ORDER BY created_at, id LIMIT 1 OFFSET ${PAGE - 1}`,
    },
    chargeOf: 'SELECT id AS task_ref, NULL AS sku, NULL AS tokens, NULL AS nano_per_million, NULL AS amount_nano FROM records WHERE id = :ref AND 0',
    params: {},
    pageSize: PAGE,
  };
  let db: Database.Database;
  const insert = (id: string, createdAt: number) =>
    db.prepare("INSERT INTO records VALUES (?, NULL, '[]', 'running', ?, NULL, NULL, NULL, NULL, NULL, ?)").run(id, createdAt, `req-${id}`);

  beforeEach(() => {
    db = new Database(':memory:');
    db.exec(
      'CREATE TABLE records (id TEXT PRIMARY KEY, task_id TEXT, descriptor TEXT, status TEXT, created_at INTEGER, finished_at INTEGER, ' +
        'safety_identifier TEXT, callback_url TEXT, hidden_at INTEGER, error_code TEXT, request_id TEXT)',
    );
    for (let i = 0; i < 20; i++) insert(`r-${String(i).padStart(2, '0')}`, 1000 + i * 10);
  });
  afterEach(() => db.close());

  /** The lead's pages and the helper's ranges, in the export's order, with `beforeHelperReads` run before each range is read. */
  async function splitIds(beforeHelperReads: (range: ExportRange, n: number) => void = () => undefined): Promise<string[]> {
    const read = sqliteReads(db);
    const ranges: ExportRange[] = [];
    const ids: string[] = [];
    let n = 0;
    for await (const item of splitExport(read, plan, (r) => ranges.push(r))) {
      if (item !== HELPER_PAGE) ids.push(...item.map((r) => r.id));
      else {
        const range = ranges.shift()!;
        beforeHelperReads(range, n++);
        ids.push(...(await exportRange(read, plan, range)).map((r) => r.id));
      }
    }
    return ids;
  }

  it('the lead and the helper together read every record once, in order', async () => {
    const all = (db.prepare('SELECT id FROM records ORDER BY created_at, id').all() as { id: string }[]).map((r) => r.id);
    expect(await splitIds()).toEqual(all);
  });

  it('records committed into a range after its bounds were found are read with it, however many', async () => {
    let late = 0;
    const ids = await splitIds((range, n) => {
      if (n !== 0) return;
      // Into the first helper range, more than a page of them: creation times inside it (just before its end).
      for (; late < 2 * PAGE + 1; late++) insert(`late-${late}`, range.until.createdAt - 1);
    });
    const all = (db.prepare('SELECT id FROM records ORDER BY created_at, id').all() as { id: string }[]).map((r) => r.id);
    expect(late).toBeGreaterThan(PAGE);
    expect(all).toHaveLength(20 + late);
    expect(ids).toEqual(all);
  });

  it('on PostgreSQL, binds each statement’s parameters in the order the plan names them, each statement prepared by name', async () => {
    const calls: { name: string; text: string; values: unknown[] }[] = [];
    const client = {
      query: async (q: { name: string; text: string; values: unknown[]; rowMode: 'array' }) => {
        calls.push(q);
        return { fields: [{ name: 'id' }], rows: [['r-1']] };
      },
    };
    const read = postgresReads(client, { ...plan, positional: { 'SELECT $1, $2': ['aid', 'ac'], 'SELECT $1': ['ref'] } });
    expect(await read('SELECT $1, $2', { ac: 5, aid: 'x', ref: 'unused' })).toEqual({ columns: ['id'], rows: [['r-1']] });
    await read('SELECT $1', { ref: 'r-9' });
    await read('SELECT $1, $2', { ac: 6, aid: 'y' });
    expect(calls.map((c) => [c.name, c.values])).toEqual([
      ['arkgate_export_0', ['x', 5]],
      ['arkgate_export_1', ['r-9']],
      ['arkgate_export_0', ['y', 6]],
    ]);
    await expect(read('SELECT 1', {})).rejects.toThrow(/names no parameters/);
  });

  it('on PostgreSQL, a statement refused because a column it reads changed type is prepared again under a new name, once', async () => {
    const calls: { name?: string; text: string }[] = [];
    let refusals = 1;
    const client = {
      query: async (q: { name?: string; text: string }) => {
        calls.push({ name: q.name, text: q.text });
        if (q.name === 'arkgate_export_0' && refusals-- > 0) {
          throw Object.assign(new Error('cached plan must not change result type'), { code: '0A000' });
        }
        return { fields: [{ name: 'id' }], rows: [['r-1']] };
      },
    };
    const read = postgresReads(client, { ...plan, positional: { 'SELECT $1': ['ref'] } });
    expect(await read('SELECT $1', { ref: 'a' })).toEqual({ columns: ['id'], rows: [['r-1']] });
    await read('SELECT $1', { ref: 'b' });
    expect(calls.map((c) => c.name ?? c.text)).toEqual(['arkgate_export_0', 'DEALLOCATE arkgate_export_0', 'arkgate_export_0r', 'arkgate_export_0r']);

    // Any other refusal is the read's failure, not retried.
    const failing = postgresReads(
      {
        query: async () => {
          throw Object.assign(new Error('permission denied for table tasks'), { code: '42501' });
        },
      },
      { ...plan, positional: { 'SELECT $1': ['ref'] } },
    );
    await expect(failing('SELECT $1', { ref: 'a' })).rejects.toThrow(/permission denied/);
  });
});
