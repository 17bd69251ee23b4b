import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ExportWorkers } from '../../src/audit/export-workers';
import { EXPORT_APPLICATION_NAME } from '../../src/tasks/export-pages';
import { EXPORT_PAGE_SIZE } from '../../src/tasks/task-export-row';
import { TaskEntity } from '../../src/tasks/task.entity';
import { taskDraft } from '../support/factories';
import { ADMIN_TOKEN, eventually, startGateway, type TestGateway } from '../support/test-gateway';

/**
 * On PostgreSQL an export worker keeps its connection after an export that read to its end, for the next one, until it
 * has idled the keep time (src/audit/export-connection.ts); a connection the server ended meanwhile is replaced, so the
 * next export still answers whole. On SQLite each export opens the file anew: there is nothing to keep.
 */
const onPostgres = process.env.DATABASE_URL?.startsWith('postgres') ? describe : describe.skip;

onPostgres('export workers keep their PostgreSQL connections between exports', () => {
  let gw: TestGateway;
  let workers: ExportWorkers;
  let pg: Client;
  let schema: string;
  /**
   * Five pages, two in three records failed: the export, with or without that filter, is split between a lead and a
   * helper, one connection each, and both read.
   */
  const RECORDS = 5 * EXPORT_PAGE_SIZE - 17;
  const FAILED = RECORDS - Math.ceil(RECORDS / 3);

  beforeAll(async () => {
    gw = await startGateway();
    workers = gw.app.get(ExportWorkers);
    workers.split = true;
    schema = (gw.config.database as { schema: string }).schema;
    const tenant = await gw.newTenant({ name: 'acme' });
    const base = Date.parse('2026-06-01T00:00:00.000Z');
    const tasks = Array.from({ length: RECORDS }, (_, i) => ({
      ...taskDraft({ status: i % 3 === 0 ? 'succeeded' : 'failed', createdAt: base + i, updatedAt: base + i, finishedAt: base + i + 1000 }),
      tenantId: tenant.id,
    }));
    const repo = gw.app.get(DataSource).getRepository(TaskEntity);
    for (let i = 0; i < tasks.length; i += 500) await repo.insert(tasks.slice(i, i + 500) as QueryDeepPartialEntity<TaskEntity>[]);
    pg = new Client({ connectionString: process.env.DATABASE_URL });
    await pg.connect();
  });
  afterAll(async () => {
    await pg?.end();
    await gw?.close();
  });
  afterEach(() => {
    workers.keepConnectionMs = 60_000;
  });

  /** The lines of an export (header included for CSV). */
  const exported = async (query: string): Promise<string[]> => {
    const res = await fetch(`${gw.url}/audit/tasks/export?${query}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
    return (await res.text()).split('\n').filter(Boolean);
  };
  /**
   * This gateway's export connections (other test files' gateways share the server): named as export connections,
   * their last statement one of an export's reads, on this gateway's schema.
   */
  const connections = async (): Promise<{ pid: number; state: string }[]> =>
    (
      await pg.query<{ pid: number; state: string }>(
        `SELECT pid, state FROM pg_stat_activity WHERE application_name = $1 AND position($2 in query) > 0 ORDER BY pid`,
        [EXPORT_APPLICATION_NAME, `"${schema}".`],
      )
    ).rows;
  /** This gateway's export connections once they are as `done` says (waited for up to 5 s). */
  const until = (done: (c: { pid: number; state: string }[]) => boolean) => eventually(connections, done, 5000);

  it('keeps an export’s two connections, idle, and the next export reads through the same ones, another filter too', async () => {
    expect(await exported('format=csv')).toHaveLength(RECORDS + 1);
    const first = await until((c) => c.length === 2 && c.every((x) => x.state === 'idle'));
    expect(first).toHaveLength(2);
    expect(first.every((c) => c.state === 'idle')).toBe(true);

    expect(await exported('format=ndjson')).toHaveLength(RECORDS);
    // Statements prepared for another filter on the same connections: the answer is that filter's.
    const failed = await exported('format=ndjson&status=failed');
    expect(failed).toHaveLength(FAILED);
    expect(failed.every((l) => (JSON.parse(l) as { status: string }).status === 'failed')).toBe(true);
    const after = await until((c) => c.length === 2 && c.every((x) => x.state === 'idle'));
    expect(after.map((c) => c.pid)).toEqual(first.map((c) => c.pid));
  });

  it('replaces a kept connection the server ended while it idled: the next export answers whole', async () => {
    await exported('format=csv');
    const kept = await until((c) => c.length === 2 && c.every((x) => x.state === 'idle'));
    expect(kept).toHaveLength(2);
    for (const { pid } of kept) await pg.query('SELECT pg_terminate_backend($1)', [pid]);
    expect(await until((c) => c.length === 0)).toHaveLength(0);

    expect(await exported('format=csv')).toHaveLength(RECORDS + 1);
    const fresh = await until((c) => c.length === 2 && c.every((x) => x.state === 'idle'));
    expect(fresh).toHaveLength(2);
    expect(fresh.map((c) => c.pid).filter((pid) => kept.some((k) => k.pid === pid))).toEqual([]);
  });

  it('a column type changed by a migration elsewhere while a connection was kept: the next export re-prepares and answers whole', async () => {
    expect(await exported('format=csv')).toHaveLength(RECORDS + 1);
    const kept = await until((c) => c.length === 2 && c.every((x) => x.state === 'idle'));
    // As another instance's migration would: a column the export reads changes type under the kept statements.
    await pg.query(`ALTER TABLE "${schema}".tasks ALTER COLUMN error_code TYPE varchar(200)`);
    try {
      const lines = await exported('format=csv');
      expect(lines).toHaveLength(RECORDS + 1);
      // The same connections, still kept.
      const after = await until((c) => c.length === 2 && c.every((x) => x.state === 'idle'));
      expect(after.map((c) => c.pid)).toEqual(kept.map((c) => c.pid));
      expect(await exported('format=ndjson')).toHaveLength(RECORDS);
    } finally {
      await pg.query(`ALTER TABLE "${schema}".tasks ALTER COLUMN error_code TYPE varchar(128)`);
    }
  });

  it('closes a kept connection once it has idled the keep time; with no keep time each export closes its own', async () => {
    workers.keepConnectionMs = 300;
    expect(await exported('format=csv')).toHaveLength(RECORDS + 1);
    expect(await until((c) => c.length === 0)).toHaveLength(0);

    workers.keepConnectionMs = 0;
    expect(await exported('format=ndjson')).toHaveLength(RECORDS);
    expect(await until((c) => c.length === 0)).toHaveLength(0);
  });

  it('closes them when the gateway closes', async () => {
    const other = await startGateway({ shared: { db: gw.db, sandbox: gw.sandbox } });
    other.app.get(ExportWorkers).split = true;
    const res = await fetch(`${other.url}/audit/tasks/export?format=csv`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect((await res.text()).split('\n').filter(Boolean)).toHaveLength(RECORDS + 1);
    expect(await until((c) => c.length === 2)).toHaveLength(2);
    await other.close();
    expect(await until((c) => c.length === 0)).toHaveLength(0);
  });
});
