import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { SqliteExportPlan } from '../tasks/sqlite-export-pages';
import { CSV_HEADER } from './export-lines';
import { ExportWorkers } from './export-workers';

/**
 * The export's worker threads on a SQLite file of their own (a table with the columns of an export page): the text
 * arrives whole and in order, a reader that stops reading holds the worker to a few chunks ahead, and a worker
 * that fails or whose reader goes away is stopped without taking the next export with it.
 */
describe('ExportWorkers', () => {
  const RECORDS = 5000;
  let dir: string;
  let file: string;
  let workers: ExportWorkers;

  const page = (where: string) =>
    `SELECT id, task_id, descriptor, status, created_at, finished_at, safety_identifier, callback_url, hidden_at, error_code, request_id ` +
    `FROM records WHERE ${where} ORDER BY created_at, id LIMIT 1000`;
  const plan: SqliteExportPlan = {
    records: { first: page('1 = 1'), after: page('(created_at, id) > (:ac, :aid)') },
    charges: null,
    chargeOf: 'SELECT id AS task_ref, NULL AS sku, NULL AS tokens, NULL AS nano_per_million, NULL AS amount_nano FROM records WHERE id = :ref AND 0',
    params: {},
    pageSize: 1000,
  };
  const tenantId = '00000000-0000-4000-8000-000000000001';
  const job = (over: Partial<Parameters<ExportWorkers['stream']>[0]> = {}) => ({
    file,
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
  beforeEach(() => (workers = new ExportWorkers()));
  afterEach(async () => workers.onApplicationShutdown());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const busy = () => (workers as unknown as { busy: Set<unknown> }).busy.size;

  it('sends every record once, in order, and keeps the worker for the next export', async () => {
    const text = await read(workers.stream(job()));
    const lines = text.split('\n').filter(Boolean);
    expect(`${lines[0]}\n`).toBe(CSV_HEADER);
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(Array.from({ length: RECORDS }, (_, i) => `r-${String(i).padStart(5, '0')}`));
    expect(busy()).toBe(0);
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
    await new Promise((resolve) => setImmediate(resolve));
    expect(busy()).toBe(0);
    expect((await read(workers.stream(job()))).split('\n').filter(Boolean)).toHaveLength(RECORDS + 1);
  });

  it('a failing export fails its stream (not a short file that looks whole); the next one runs', async () => {
    await expect(read(workers.stream(job({ file: join(dir, 'missing.sqlite') })))).rejects.toThrow(/the export failed/);
    await expect(read(workers.stream(job({ plan: { ...plan, records: { ...plan.records, first: 'SELECT id FROM nowhere' } } })))).rejects.toThrow(
      /no such table/,
    );
    expect(busy()).toBe(0);
    expect((await read(workers.stream(job()))).split('\n').filter(Boolean)).toHaveLength(RECORDS + 1);
  });
});
