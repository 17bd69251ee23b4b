import { problemOf } from './api-error';
import { auditEventsPath, buildQuery, EMPTY_AUDIT_FILTERS, EMPTY_TASK_FILTERS, exportPath, matchesSearch, pageOf, taskLogPath, usagePath } from './query';

describe('query building sends only the filters that are set', () => {
  it('drops empty, blank, null and undefined values and encodes the rest', () => {
    expect(buildQuery({ a: 'x', b: '', c: undefined, d: null, e: '  ', f: 2, g: 'a b&c' })).toBe('?a=x&f=2&g=a+b%26c');
  });

  it('nothing set → no query string at all', () => {
    expect(buildQuery({ a: '', b: undefined })).toBe('');
  });

  it('the task log: unfiltered first page', () => {
    expect(taskLogPath(EMPTY_TASK_FILTERS)).toBe('/admin/tasks?limit=50');
  });

  it('the task log: every filter, the day range as ISO instants, and the cursor of the next page', () => {
    const path = taskLogPath({ tenant_id: 't-1', status: 'succeeded', model: 'dreamina-seedance-2-0', from: '2026-11-01', to: '2026-11-30' }, 'WzEsIngiXQ', 20);
    const q = new URL(path, 'http://x').searchParams;
    expect(path.startsWith('/admin/tasks?')).toBe(true);
    expect(Object.fromEntries(q)).toEqual({
      tenant_id: 't-1',
      status: 'succeeded',
      model: 'dreamina-seedance-2-0',
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
      limit: '20',
      cursor: 'WzEsIngiXQ',
    });
  });

  it('audit events: filters by action and actor, with the numeric cursor', () => {
    const q = new URL(auditEventsPath({ ...EMPTY_AUDIT_FILTERS, action: 'task.create', actor: 'tok-1' }, '41'), 'http://x').searchParams;
    expect(Object.fromEntries(q)).toEqual({ action: 'task.create', actor: 'tok-1', limit: '50', cursor: '41' });
  });

  it('exports: the same filters for CSV and NDJSON, only the format differs', () => {
    const f = { tenant_id: 't-1', status: '', model: '', from: '2026-11-01', to: '' };
    const csv = exportPath('csv', f);
    const nd = exportPath('ndjson', f);
    expect(csv).toBe('/audit/tasks/export?format=csv&from=2026-11-01T00%3A00%3A00.000Z&tenant_id=t-1');
    expect(nd.replace('format=ndjson', 'format=csv')).toBe(csv);
  });

  it('usage: grouping and range', () => {
    expect(usagePath('tenant', { tenant_id: '', from: '2026-11-01', to: '2026-11-30' })).toBe(
      '/billing/usage?group_by=tenant&from=2026-11-01T00%3A00%3A00.000Z&to=2026-12-01T00%3A00%3A00.000Z',
    );
  });
});

describe('lists held in the browser: search and pages', () => {
  const items = Array.from({ length: 45 }, (_, i) => i + 1);

  it('pages of a fixed size, the last one partial', () => {
    expect(pageOf(items, 1, 20)).toEqual({ rows: items.slice(0, 20), page: 1, pages: 3 });
    expect(pageOf(items, 3, 20).rows).toEqual([41, 42, 43, 44, 45]);
  });

  it('a page number out of range is clamped', () => {
    expect(pageOf(items, 9, 20).page).toBe(3);
    expect(pageOf(items, 0, 20).page).toBe(1);
    expect(pageOf([], 1, 20)).toEqual({ rows: [], page: 1, pages: 1 });
  });

  it('search is case-insensitive over any of the fields, and empty search matches all', () => {
    expect(matchesSearch('ACME', 'acme-studio', 'id-1')).toBe(true);
    expect(matchesSearch('id-1', 'acme-studio', 'id-1')).toBe(true);
    expect(matchesSearch('zzz', 'acme-studio', null)).toBe(false);
    expect(matchesSearch('  ', 'anything')).toBe(true);
  });
});

describe('API errors are shown as the API states them', () => {
  it('the native error shape', () => {
    expect(problemOf(400, { error: { code: 'invalid_request', message: 'name is required', param: 'name', type: '' } })).toEqual({
      status: 400,
      code: 'invalid_request',
      message: 'name is required',
      param: 'name',
    });
  });

  it('the asset actions’ ResponseMetadata shape', () => {
    expect(problemOf(404, { ResponseMetadata: { Error: { Code: 'ResourceNotFound.Asset', Message: 'gone' } } })).toMatchObject({
      code: 'ResourceNotFound.Asset',
      message: 'gone',
    });
  });

  it('plain text, an empty body, and an unreachable gateway', () => {
    expect(problemOf(502, 'Bad Gateway').message).toBe('Bad Gateway');
    expect(problemOf(500, undefined).message).toBe('HTTP 500');
    expect(problemOf(0, undefined).message).toBe('The gateway could not be reached.');
  });
});
