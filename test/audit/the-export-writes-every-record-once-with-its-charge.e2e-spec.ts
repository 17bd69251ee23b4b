import { randomUUID } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { EXPORT_COLUMNS } from '../../src/audit/export-lines';
import { ExportWorkers } from '../../src/audit/export-workers';
import { redact } from '../../src/audit/redact';
import { LedgerEntryEntity } from '../../src/billing/ledger-entry.entity';
import { formatUsd } from '../../src/common/money';
import { EXPORT_PAGE_SIZE } from '../../src/tasks/task-export-row';
import { TaskEntity, type TaskStatus } from '../../src/tasks/task.entity';
import { taskDraft } from '../support/factories';
import { ADMIN_TOKEN, startGateway, type TestGateway } from '../support/test-gateway';

/**
 * The auditor export walks every record once, in creation order, page after page (keyset on created_at and id, with
 * runs of records created in the same millisecond across the page boundaries), and writes exactly what it always
 * wrote: the columns in order, the cost of each succeeded record from its ledger entry and of no other, hidden records
 * flagged, the resolution upstream reported, secrets redacted as in audit events, CSV quoting through csv-stringify
 * and NDJSON as JSON.stringify of each row. Filters (from, to, status, model, tenant_id) narrow it; `tenant_id`
 * narrows it to that tenant's records and charges.
 */
/**
 * The export runs on export workers (connections of their own), two at once past two pages where there are two cores,
 * except on SQLite in memory, where it runs on the gateway's thread: on SQLite both ways are held to every test here.
 */
const WHERE: [string, { sqliteFile: boolean; onWorker: boolean }][] = process.env.DATABASE_URL?.startsWith('postgres')
  ? [[' (PostgreSQL: on export workers)', { sqliteFile: false, onWorker: true }]]
  : [
      [' (SQLite in memory: on the gateway’s thread)', { sqliteFile: false, onWorker: false }],
      [' (a SQLite file: on export workers)', { sqliteFile: true, onWorker: true }],
    ];

describe.each(WHERE)('the export writes every record once, in creation order, with its charge%s', (_where, { sqliteFile, onWorker }) => {
  let gw: TestGateway;
  const tenants: { id: string; name: string }[] = [];
  const tasks: TaskEntity[] = [];
  const charges = new Map<string, LedgerEntryEntity>();
  /** Records created in the same millisecond come in runs of this many, so pages end inside a run. */
  const RUN = 7;
  const RECORDS = 2 * EXPORT_PAGE_SIZE + 345;
  const BASE = Date.parse('2026-06-01T00:00:00.000Z');
  const STATUSES: TaskStatus[] = ['succeeded', 'succeeded', 'failed', 'running', 'succeeded', 'expired', 'queued', 'cancelled', 'rejected'];

  beforeAll(async () => {
    gw = await startGateway({ sqliteFile });
    for (const name of ['acme, "east"', 'globex']) {
      const t = await gw.newTenant({ name });
      tenants.push({ id: t.id, name: t.tenant.name as string });
    }
    for (let i = 0; i < RECORDS; i++) {
      const tenant = tenants[i % 3 === 0 ? 1 : 0];
      const status = STATUSES[i % STATUSES.length];
      const fast = i % 2 === 0;
      const createdAt = BASE + Math.floor(i / RUN) * 1000;
      const terminal = ['succeeded', 'failed', 'expired', 'cancelled'].includes(status);
      const task = {
        ...taskDraft({
          status,
          model: fast ? 'dreamina-seedance-2-0-fast' : 'dreamina-seedance-2-0',
          // Upstream model ids are the admin's text (Filter-Off mappings): some that need quoting and redacting.
          upstreamModel: i % 17 === 0 ? `ep-"odd",v${i % 2}?api_key=k-${i % 3}` : fast ? 'dreamina-seedance-2-0-fast-260128' : 'dreamina-seedance-2-0-260128',
          taskId: status === 'rejected' ? null : `cgt-export-${i}`,
          // As a look records them: upstream's resolution, when it reported one as text, is the record's.
          resolution: i % 5 === 0 ? '1080p' : '720p',
          ratio: i % 4 === 0 ? 'adaptive' : '16:9',
          duration: i % 10 === 0 ? null : 5,
          hasVideoInput: i % 6 === 0,
          upstreamTask: i % 5 === 0 ? { id: `cgt-export-${i}`, resolution: '1080p' } : i % 5 === 1 ? { id: `cgt-export-${i}`, resolution: 720 } : null,
          safetyIdentifier: i % 13 === 0 ? `user "${i}", line\nbreak` : i % 2 === 0 ? `user-${i}` : null,
          callbackUrl: i % 8 === 0 ? `https://example.com/cb?order=${i}&token=secret-${i}&sig=s-${i}` : i % 8 === 1 ? 'https://example.com/cb,plain' : null,
          requestId: `req-export-${i}`,
          errorCode: status === 'failed' ? 'OutputVideoSensitiveContentDetected' : null,
          hiddenAt: i % 11 === 0 ? createdAt + 5000 : null,
          createdAt,
          updatedAt: createdAt,
          finishedAt: terminal ? createdAt + 45_000 : null,
        }),
        tenantId: tenant.id,
      } as TaskEntity;
      tasks.push(task);
      if (status === 'succeeded') {
        const tokens = 100_000 + i;
        const nanoPerMillion = fast ? 5_600_000_000n : 7_000_000_000n;
        charges.set(task.id, {
          id: randomUUID(),
          tenantId: tenant.id,
          taskRef: task.id,
          taskId: task.taskId!,
          model: task.model,
          sku: fast ? 'dreamina-seedance-2-0-fast-novideo' : 'dreamina-seedance-2-0-720p-novideo',
          resolution: '720p',
          hasVideoInput: false,
          tokens: String(tokens),
          nanoPerMillion: String(nanoPerMillion),
          amountNano: String((BigInt(tokens) * nanoPerMillion + 500_000n) / 1_000_000n),
          // Every entry carries its record's creation time, and the export reads charges by that range; a few here do
          // not (no write path makes one), and the export must still find them (by record id).
          taskCreatedAt: i % 97 === 0 ? createdAt - 86_400_000 : i % 89 === 0 ? createdAt + 86_400_000 : createdAt,
          createdAt: createdAt + 45_000,
        } as LedgerEntryEntity);
      }
    }
    const ds = gw.app.get(DataSource);
    for (let i = 0; i < tasks.length; i += 200) await ds.getRepository(TaskEntity).insert(tasks.slice(i, i + 200) as QueryDeepPartialEntity<TaskEntity>[]);
    const entries = [...charges.values()];
    for (let i = 0; i < entries.length; i += 200) await ds.getRepository(LedgerEntryEntity).insert(entries.slice(i, i + 200));
  });
  afterAll(async () => gw?.close());

  /** What the export wrote for a record before it read pages with their charges in one query, row by row. */
  const expectedRow = (t: TaskEntity): Record<string, unknown> => {
    const charge = charges.get(t.id);
    const names = new Map(tenants.map((x) => [x.id, x.name]));
    return redact({
      task_id: t.taskId,
      record_id: t.id,
      tenant_id: t.tenantId,
      tenant_name: names.get(t.tenantId) ?? null,
      model: t.model,
      upstream_model: t.upstreamModel,
      status: t.status,
      resolution: typeof t.upstreamTask?.resolution === 'string' ? t.upstreamTask.resolution : t.resolution,
      ratio: t.ratio,
      duration: t.duration,
      video_input: t.hasVideoInput,
      sku: charge?.sku ?? null,
      tokens: charge ? Number(charge.tokens) : null,
      unit_price_usd_per_million_tokens: charge ? formatUsd(BigInt(charge.nanoPerMillion)) : null,
      amount_usd: charge ? formatUsd(BigInt(charge.amountNano)) : null,
      created_at: new Date(t.createdAt).toISOString(),
      finished_at: t.finishedAt === null ? null : new Date(t.finishedAt).toISOString(),
      safety_identifier: t.safetyIdentifier,
      callback_url: t.callbackUrl,
      hidden_by_tenant: t.hiddenAt !== null,
      error_code: t.errorCode,
      request_id: t.requestId,
    }) as Record<string, unknown>;
  };
  const inOrder = (rows: TaskEntity[]) => [...rows].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const expectedCsv = (rows: TaskEntity[]) =>
    stringify(inOrder(rows).map(expectedRow), { header: true, columns: [...EXPORT_COLUMNS], cast: { boolean: (b) => (b ? 'true' : 'false') } });
  const expectedNdjson = (rows: TaskEntity[]) =>
    inOrder(rows)
      .map((r) => `${JSON.stringify(expectedRow(r))}\n`)
      .join('');

  const exported = async (query: string): Promise<string> => {
    const res = await fetch(`${gw.url}/audit/tasks/export?${query}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
    return res.text();
  };

  it(`runs ${onWorker ? 'on an export worker' : 'on the gateway’s thread'}`, async () => {
    const workers = jest.spyOn(gw.app.get(ExportWorkers), 'stream');
    await exported('format=csv&status=failed');
    expect(workers).toHaveBeenCalledTimes(onWorker ? 1 : 0);
    workers.mockRestore();
  });

  it('spans several pages, and runs of records created in the same millisecond cross page boundaries', () => {
    const sorted = inOrder(tasks);
    expect(sorted.length).toBeGreaterThan(2 * EXPORT_PAGE_SIZE);
    for (const end of [EXPORT_PAGE_SIZE, 2 * EXPORT_PAGE_SIZE]) expect(sorted[end - 1].createdAt).toBe(sorted[end].createdAt);
  });

  it('CSV: every record once, in creation order, byte for byte as csv-stringify writes the rows', async () => {
    const text = await exported('format=csv');
    expect(text).toBe(expectedCsv(tasks));
    expect(text.split('\n').filter((l) => l.startsWith('cgt-export-') || l.startsWith(',')).length).toBe(RECORDS);
  });

  it('NDJSON: every record once, in creation order, each line JSON.stringify of its row', async () => {
    const text = await exported('format=ndjson');
    expect(text).toBe(expectedNdjson(tasks));
    const rows = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(new Set(rows.map((r) => r.record_id)).size).toBe(RECORDS);
  });

  it('some ledger entries carry another time than their record’s creation (the byte-for-byte tests show them found)', () => {
    const odd = [...charges.values()].filter((c) => c.taskCreatedAt !== tasks.find((t) => t.id === c.taskRef)!.createdAt);
    expect(odd.length).toBeGreaterThanOrEqual(4);
  });

  it('costs are filled on exactly the succeeded records, each from its own ledger entry', async () => {
    const rows = (await exported('format=ndjson'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const filled = rows.filter((r) => r.amount_usd !== null);
    expect(filled.length).toBe(charges.size);
    expect(filled.every((r) => r.status === 'succeeded' && r.sku !== null && r.tokens === Number(charges.get(r.record_id)!.tokens))).toBe(true);
    expect(rows.filter((r) => r.status !== 'succeeded').every((r) => r.sku === null && r.tokens === null && r.unit_price_usd_per_million_tokens === null)).toBe(
      true,
    );
  });

  it('hidden records are included and flagged; upstream’s resolution wins when it reported one', async () => {
    const rows = (await exported('format=ndjson'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.filter((r) => r.hidden_by_tenant).length).toBe(tasks.filter((t) => t.hiddenAt !== null).length);
    expect(rows.filter((r) => r.resolution === '1080p').length).toBe(tasks.filter((t) => t.upstreamTask?.resolution === '1080p').length);
    expect(rows.find((r) => r.record_id === tasks[1].id).resolution).toBe('720p');
  });

  it('secrets in callback URLs are redacted as in audit events, in both formats', async () => {
    for (const format of ['csv', 'ndjson']) {
      const text = await exported(`format=${format}`);
      expect(text).not.toMatch(/secret-\d|s-\d|k-\d/);
      expect(text).toContain('order=8&token=[REDACTED]&sig=[REDACTED]');
    }
  });

  it('other requests are answered while an export waits for its reader, and the export then completes', async () => {
    const res = await fetch(`${gw.url}/audit/tasks/export?format=ndjson`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    const first = await reader.read();
    let text = decoder.decode(first.value, { stream: true });
    // The export is paused on its reader (backpressure), mid-way: the gateway still serves others.
    expect(text.length).toBeLessThan(expectedNdjson(tasks).length);
    expect((await gw.call('GET', '/audit/events?limit=1', { token: ADMIN_TOKEN })).status).toBe(200);
    expect(await exported(`format=csv&tenant_id=${tenants[1].id}&status=succeeded`)).toBe(
      expectedCsv(tasks.filter((t) => t.tenantId === tenants[1].id && t.status === 'succeeded')),
    );
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value, { stream: true });
    expect(text + decoder.decode()).toBe(expectedNdjson(tasks));
  });

  it('a reader that goes away mid-export leaves the gateway exporting for the next one', async () => {
    const aborted = new AbortController();
    const res = await fetch(`${gw.url}/audit/tasks/export?format=csv`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, signal: aborted.signal });
    await res.body!.getReader().read();
    aborted.abort();
    expect(await exported('format=csv')).toBe(expectedCsv(tasks));
  });

  describe('filters', () => {
    const at = (i: number) => new Date(BASE + i * 1000).toISOString();
    const cases: [string, string, (t: TaskEntity) => boolean][] = [
      [
        'from (inclusive) and to (exclusive), on runs of equal creation times',
        `from=${at(100)}&to=${at(250)}`,
        (t) => t.createdAt >= BASE + 100_000 && t.createdAt < BASE + 250_000,
      ],
      ['status', 'status=succeeded', (t) => t.status === 'succeeded'],
      ['model, by its upstream name', 'model=dreamina-seedance-2-0-fast-260128', (t) => t.model === 'dreamina-seedance-2-0-fast'],
      [
        'all of them',
        `from=${at(50)}&to=${at(300)}&status=failed&model=dreamina-seedance-2-0`,
        (t) => t.createdAt >= BASE + 50_000 && t.createdAt < BASE + 300_000 && t.status === 'failed' && t.model === 'dreamina-seedance-2-0',
      ],
    ];
    it.each(cases)('%s', async (_name, query, keep) => {
      const kept = tasks.filter(keep);
      expect(kept.length).toBeGreaterThan(0);
      expect(kept.length).toBeLessThan(tasks.length);
      expect(await exported(`format=csv&${query}`)).toBe(expectedCsv(kept));
      expect(await exported(`format=ndjson&${query}`)).toBe(expectedNdjson(kept));
    });

    it('tenant_id: only that tenant’s records and charges, over several pages', async () => {
      for (const tenant of tenants) {
        const kept = tasks.filter((t) => t.tenantId === tenant.id);
        expect(await exported(`format=ndjson&tenant_id=${tenant.id}`)).toBe(expectedNdjson(kept));
        expect(await exported(`format=csv&tenant_id=${tenant.id}&status=succeeded`)).toBe(expectedCsv(kept.filter((t) => t.status === 'succeeded')));
      }
    });

    it('no record matches: CSV is the header alone, NDJSON is empty', async () => {
      expect(await exported(`format=csv&tenant_id=${randomUUID()}`)).toBe(`${EXPORT_COLUMNS.join(',')}\n`);
      expect(await exported(`format=ndjson&from=2100-01-01`)).toBe('');
    });
  });
});
