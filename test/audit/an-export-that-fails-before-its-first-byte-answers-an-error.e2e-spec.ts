import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeFor } from '../../src/common/errors/error-codes';
import type { ExportPlan } from '../../src/tasks/export-pages';
import { TaskLogService } from '../../src/tasks/task-log.service';
import { ADMIN_TOKEN, startGateway, type TestGateway } from '../support/test-gateway';

/**
 * The auditor export runs on worker threads with connections of their own. When a worker cannot read the first page
 * (its connection refused, a statement the database refuses), the export is answered as any failed call is: 503 with
 * Retry-After in the profile's unavailable code when the database is out of reach, 500 otherwise, in the native error
 * shape — not a 200 cut short, nor a bare "400 Bad Request". The next export answers whole. SQLite (a file, which the
 * workers open) or PostgreSQL.
 */
describe('an export that fails before its first byte answers an error', () => {
  let gw: TestGateway;
  let log: TaskLogService;
  let exportSource: TaskLogService['exportSource'];
  const postgres = process.env.DATABASE_URL?.startsWith('postgres') ?? false;

  beforeAll(async () => {
    gw = await startGateway({ sqliteFile: true });
    const t = await gw.newTenant();
    for (let i = 0; i < 3; i++) {
      const res = await gw.call('POST', '/volcark/api/v3/contents/generations/tasks', {
        token: t.token,
        body: { model: 'dreamina-seedance-2-0-fast', content: [{ type: 'text', text: `harbour ${i}` }], resolution: '480p', duration: 5 },
      });
      expect(res.status).toBe(200);
    }
    log = gw.app.get(TaskLogService);
    exportSource = log.exportSource.bind(log);
  });
  afterEach(() => {
    log.exportSource = exportSource;
  });
  afterAll(async () => gw?.close());

  const exportCsv = () => fetch(`${gw.url}/audit/tasks/export?format=csv`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });

  const expectWholeExportAfter = async () => {
    log.exportSource = exportSource;
    const res = await exportCsv();
    expect(res.status).toBe(200);
    expect((await res.text()).split('\n').filter(Boolean)).toHaveLength(4);
  };

  // A SQLite file that is not there (removed, or its volume gone): SQLITE_CANTOPEN.
  it('the database out of reach for the worker: 503 with Retry-After in the unavailable code', async () => {
    log.exportSource = (scope, filter) => {
      const own = exportSource(scope, filter)!;
      return {
        ...own,
        source: postgres
          ? { postgres: { connectionString: 'postgres://nobody@127.0.0.1:1/none', connectionTimeoutMillis: 2000 } }
          : { sqlite: join(tmpdir(), `arkgate-gone-${randomUUID()}.db`) },
      };
    };
    const res = await exportCsv();
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as { error: { code: string; type: string } };
    expect(body.error).toMatchObject({ code: codeFor('database_unavailable', gw.config.profile).code, type: 'ServiceUnavailable' });
    await expectWholeExportAfter();
  });

  it('a read the database refuses: 500 in the native shape, without the database’s message', async () => {
    log.exportSource = (scope, filter) => {
      const own = exportSource(scope, filter)!;
      const broken = 'SELECT no_such_column FROM tasks';
      const plan: ExportPlan = { ...own.plan, records: { ...own.plan.records, first: broken }, positional: { ...own.plan.positional, [broken]: [] } };
      return { ...own, plan };
    };
    const res = await exportCsv();
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ error: { code: codeFor('internal', gw.config.profile).code, type: 'InternalServiceError' } });
    expect(text).not.toMatch(/no_such_column/);
    await expectWholeExportAfter();
  });
});
