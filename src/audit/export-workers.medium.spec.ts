import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { ExportPlan } from '../tasks/export-pages';
import { CSV_HEADER } from './export-lines';
import { ExportWorkers } from './export-workers';

/**
 * The export's worker threads on a SQLite file of their own (a table with the columns of an export page): the text
 * arrives whole and in order, a reader that stops reading holds the worker to a few chunks ahead, and a worker
 * that fails or whose reader goes away is stopped without taking the next export with it.
 */
describe.each([
  ['one worker', false],
  ['two workers (lead and helper)', true],
])('ExportWorkers, %s', (_name, split) => {
  const RECORDS = 12_000;
  let dir: string;
  let file: string;
  let workers: ExportWorkers;

  const page = (where: string) =>
    `SELECT id, task_id, descriptor, status, created_at, finished_at, safety_identifier, callback_url, hidden_at, error_code, request_id ` +
    `FROM records WHERE ${where} ORDER BY created_at, id LIMIT 1000`;
  const columns = 'id, task_id, descriptor, status, created_at, finished_at, safety_identifier, callback_url, hidden_at, error_code, request_id';
  const plan: ExportPlan = {
    records: { first: page('1 = 1'), after: page('(created_at, id) > (:ac, :aid)') },
    charges: null,
    ranges: {
      records: `SELECT ${columns} FROM records WHERE (created_at, id) > (:ac, :aid) AND (created_at, id) <= (:bc, :bid) ORDER BY created_at, id LIMIT 1001`,
      boundary: 'SELECT created_at, id FROM records WHERE (created_at, id) > (:ac, :aid) ORDER BY created_at, id LIMIT 1 OFFSET 999',
    },
    chargeOf: 'SELECT id AS task_ref, NULL AS sku, NULL AS tokens, NULL AS nano_per_million, NULL AS amount_nano FROM records WHERE id = :ref AND 0',
    params: {},
    pageSize: 1000,
  };
  const tenantId = '00000000-0000-4000-8000-000000000001';
  const job = (over: Partial<Parameters<ExportWorkers['stream']>[0]> = {}) => ({
    source: { sqlite: file },
    plan,
    tenantNames: [[tenantId, 'acme']] as [string, string][],
    format: 'csv' as const,
    ...over,
  });
  const read = async (stream: Readable): Promise<string> => {
    let text = '';
    for await (const chunk of stream) text += String(chunk);
    return text;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'arkgate-export-workers-'));
    file = join(dir, 'export.sqlite');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec(
      'CREATE TABLE records (id TEXT PRIMARY KEY, task_id TEXT, descriptor TEXT, status TEXT, created_at INTEGER, finished_at INTEGER, ' +
        'safety_identifier TEXT, callback_url TEXT, hidden_at INTEGER, error_code TEXT, request_id TEXT)',
    );
    const insert = db.prepare('INSERT INTO records VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL, NULL, NULL, ?)');
    db.transaction(() => {
      for (let i = 0; i < RECORDS; i++) {
        const descriptor = JSON.stringify([tenantId, 'dreamina-seedance-2-0', 'dreamina-seedance-2-0-260128', 'running', '720p', '16:9', 5, 0]);
        insert.run(`r-${String(i).padStart(5, '0')}`, `cgt-${i}`, descriptor, 'running', 1_780_000_000_000 + Math.floor(i / 3), `req-${i}`);
      }
    })();
    db.close();
  });
  beforeEach(() => {
    workers = new ExportWorkers();
    workers.split = split;
  });
  afterEach(async () => workers.onApplicationShutdown());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const busy = () => (workers as unknown as { busy: Set<unknown> }).busy.size;
  /** Waits until the workers of ended exports are back (a helper comes back just after its lead). */
  const settled = async () => {
    for (let i = 0; i < 100 && busy() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    return busy();
  };

  it('sends every record once, in order, and keeps the worker for the next export', async () => {
    const text = await read(workers.stream(job()));
    const lines = text.split('\n').filter(Boolean);
    expect(`${lines[0]}\n`).toBe(CSV_HEADER);
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(Array.from({ length: RECORDS }, (_, i) => `r-${String(i).padStart(5, '0')}`));
    expect(await settled()).toBe(0);
    // Both ran it (the lead and its helper), and both are kept for the next export.
    expect((workers as unknown as { idle: unknown[] }).idle).toHaveLength(split ? 2 : 1);
    const again = await read(workers.stream(job({ format: 'ndjson' })));
    expect(
      again
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { record_id: string }).record_id),
    ).toHaveLength(RECORDS);
  });

  it('a reader that stops reading holds the worker to a few chunks ahead', async () => {
    const stream = workers.stream(job({ format: 'ndjson' }));
    await new Promise((resolve) => stream.once('readable', resolve));
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Unread, no more of the export has come than the stream's buffer and the worker's credit (each about as much).
    const ahead = stream.readableLength;
    expect(ahead).toBeLessThan(2 * stream.readableHighWaterMark + 64 * 1024);
    stream.destroy();
    // The whole export is several times that.
    expect((await read(workers.stream(job({ format: 'ndjson' })))).length).toBeGreaterThan(2 * ahead);
  });

  it('a reader that goes away stops the export; the next one runs', async () => {
    const stream = workers.stream(job());
    await new Promise((resolve) => stream.once('readable', resolve));
    stream.destroy();
    expect(await settled()).toBe(0);
    expect((await read(workers.stream(job()))).split('\n').filter(Boolean)).toHaveLength(RECORDS + 1);
  });

  it('a failing export fails its stream (not a short file that looks whole); the next one runs', async () => {
    await expect(read(workers.stream(job({ source: { sqlite: join(dir, 'missing.sqlite') } })))).rejects.toThrow(/the export failed/);
    // A PostgreSQL server that is not there (nothing listens on port 1).
    const nowhere = { postgres: { host: '127.0.0.1', port: 1, connectionTimeoutMillis: 2000 } };
    await expect(read(workers.stream(job({ source: nowhere })))).rejects.toThrow(/the export failed: .*ECONNREFUSED/);
    const broken: ExportPlan = {
      ...plan,
      records: { ...plan.records, first: 'SELECT id FROM nowhere' },
      ranges: { ...plan.ranges!, boundary: 'SELECT id FROM nowhere' },
    };
    await expect(read(workers.stream(job({ plan: broken })))).rejects.toThrow(/no such table/);
    expect(await settled()).toBe(0);
    expect((await read(workers.stream(job()))).split('\n').filter(Boolean)).toHaveLength(RECORDS + 1);
  });

  it('writes the same text whichever way it runs, at any number of records around the page boundaries', async () => {
    const solo = new ExportWorkers();
    solo.split = false;
    try {
      for (const limit of [0, 1, 999, 1000, 1001, 2000, 2001, 3000, 3999, 4000, 4001, RECORDS]) {
        const upTo = `SELECT * FROM records ORDER BY created_at, id LIMIT ${limit}`;
        // The same plan over the first `limit` records only.
        const over = (sql: string) => sql.replace(/FROM records/g, `FROM (${upTo})`);
        const limited: ExportPlan = {
          ...plan,
          records: { first: over(plan.records.first), after: over(plan.records.after) },
          ranges: { records: over(plan.ranges!.records), boundary: over(plan.ranges!.boundary) },
        };
        for (const format of ['csv', 'ndjson'] as const) {
          const expected = await read(solo.stream(job({ plan: limited, format })));
          expect(await read(workers.stream(job({ plan: limited, format })))).toBe(expected);
        }
      }
    } finally {
      await solo.onApplicationShutdown();
    }
  });

  it('a failing helper fails the export; the next one runs', async () => {
    const broken: ExportPlan = { ...plan, ranges: { ...plan.ranges!, records: 'SELECT id FROM nowhere WHERE :ac AND :aid AND :bc AND :bid' } };
    const text = read(workers.stream(job({ plan: broken })));
    if (split) await expect(text).rejects.toThrow(/no such table/);
    else expect((await text).split('\n').filter(Boolean)).toHaveLength(RECORDS + 1); // one worker never reads by ranges
    expect(await settled()).toBe(0);
    expect((await read(workers.stream(job()))).split('\n').filter(Boolean)).toHaveLength(RECORDS + 1);
  });
});
