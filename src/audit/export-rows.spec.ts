import { randomUUID } from 'node:crypto';
import { formatUsd } from '../common/money';
import type { TaskExportRow } from '../tasks/task-export-row';
import { redact } from './redact';
import { CSV, csvLine, EXPORT_COLUMNS, ExportRows, NDJSON, ndjsonLine, type LineFormat } from './export-lines';

/**
 * ExportRows writes the columns of a record's descriptor once per descriptor and the rest row by row; every line must
 * still be the line of the row's own values, redacted as `redact` redacts an audit event, however the database wrote
 * the descriptor (SQLite's `json_array` or PostgreSQL's `json_build_array`) and however many descriptors an export meets.
 */
type Values = (string | number | boolean | null)[];

const tenants = new Map([
  [randomUUID(), 'acme, "east"'],
  [randomUUID(), 'globex ?api_key=tenant-secret'],
]);
const tenantIds = [...tenants.keys()];

/** Descriptor values: plain and awkward (quotes, commas, line breaks, a secret-looking query, non-ASCII, null). */
const upstreamModels = ['dreamina-seedance-2-0-260128', 'ep-"odd",model', 'ep-x?api_key=up-secret&v=2', 'naïve – ☃\nmodel'];
const resolutions = ['720p', '1080p', null, 'x=1'];
const ratios = ['16:9', 'adaptive', null, 'a,b'];
const durations = [5, 12, null];

interface Source {
  row: TaskExportRow;
  values: Values;
}

/** A row as the reader hands it over (`descriptor` written as `engine` writes it) and its values in column order. */
function source(i: number, engine: 'sqlite' | 'postgres'): Source {
  const tenantId = tenantIds[i % 2];
  const status = ['succeeded', 'failed', 'running'][i % 3];
  const charged = status === 'succeeded';
  const descriptor = [
    tenantId,
    i % 4 === 0 ? 'dreamina-seedance-2-0-fast' : 'dreamina-seedance-2-0',
    upstreamModels[i % upstreamModels.length],
    status,
    resolutions[i % resolutions.length],
    ratios[(i >> 1) % ratios.length],
    durations[i % durations.length],
    engine === 'sqlite' ? (i % 5 === 0 ? 1 : 0) : i % 5 === 0,
  ];
  const createdAt = Date.UTC(2026, 5, 1) + i * 1000;
  const row: TaskExportRow = {
    id: randomUUID(),
    task_id: i % 7 === 0 ? null : `cgt-${i}`,
    // PostgreSQL's json text has a space after each comma; SQLite's none.
    descriptor: engine === 'sqlite' ? JSON.stringify(descriptor) : JSON.stringify(descriptor).replace(/,(?=["\dntf[{-])/g, ', '),
    status,
    created_at: engine === 'sqlite' ? createdAt : String(createdAt),
    finished_at: i % 3 === 2 ? null : createdAt + 45_000,
    safety_identifier: i % 6 === 0 ? `user "${i}"` : null,
    callback_url: i % 8 === 0 ? `https://example.com/cb?token=t-${i}` : null,
    hidden_at: i % 11 === 0 ? createdAt + 5000 : null,
    error_code: status === 'failed' ? 'OutputVideoSensitiveContentDetected' : null,
    request_id: `req-${i}`,
    sku: charged ? 'dreamina-seedance-2-0-720p-novideo' : null,
    tokens: charged ? 100_000 + i : null,
    nano_per_million: charged ? 7_000_000_000 : null,
    amount_nano: charged ? (100_000 + i) * 7000 : null,
  };
  const record = {
    task_id: row.task_id,
    record_id: row.id,
    tenant_id: tenantId,
    tenant_name: tenants.get(tenantId),
    model: descriptor[1],
    upstream_model: descriptor[2],
    status,
    resolution: descriptor[4],
    ratio: descriptor[5],
    duration: descriptor[6],
    video_input: !!descriptor[7],
    sku: row.sku,
    tokens: charged ? 100_000 + i : null,
    unit_price_usd_per_million_tokens: charged ? formatUsd(7_000_000_000n) : null,
    amount_usd: charged ? formatUsd(BigInt((100_000 + i) * 7000)) : null,
    created_at: new Date(createdAt).toISOString(),
    finished_at: row.finished_at === null ? null : new Date(createdAt + 45_000).toISOString(),
    safety_identifier: row.safety_identifier,
    callback_url: row.callback_url,
    hidden_by_tenant: row.hidden_at !== null,
    error_code: row.error_code,
    request_id: row.request_id,
  } as Record<string, Values[number]>;
  const redacted = redact(record) as Record<string, Values[number]>;
  return { row, values: EXPORT_COLUMNS.map((c) => redacted[c]) };
}

const FORMATS: [string, LineFormat, (v: Values) => string][] = [
  ['CSV', CSV, (v) => csvLine(v)],
  ['NDJSON', NDJSON, (v) => ndjsonLine(v)],
];

describe('ExportRows: a line per row, the descriptor columns written once per descriptor', () => {
  for (const [name, format, line] of FORMATS) {
    for (const engine of ['sqlite', 'postgres'] as const) {
      it(`${name}, descriptors as ${engine} writes them: each line is the line of the row's values, redacted`, () => {
        const rows = new ExportRows(tenants, format);
        // 200 rows over a few dozen descriptors: each met first (written) and again (kept).
        for (let i = 0; i < 200; i++) {
          const { row, values } = source(i, engine);
          expect(rows.lineOf(row)).toBe(line(values));
        }
      });
    }

    it(`${name}: beyond the descriptors an export keeps, lines are still each row's own`, () => {
      const rows = new ExportRows(tenants, format);
      for (let i = 0; i < 10_050; i++) {
        const { row, values } = source(i % 200, 'sqlite');
        // A distinct upstream model per row: every descriptor new.
        const descriptor = JSON.parse(row.descriptor) as unknown[];
        descriptor[2] = `ep-${i}`;
        values[EXPORT_COLUMNS.indexOf('upstream_model')] = `ep-${i}`;
        if (i < 10 || i >= 10_000) expect(rows.lineOf({ ...row, descriptor: JSON.stringify(descriptor) })).toBe(line(values));
        else rows.lineOf({ ...row, descriptor: JSON.stringify(descriptor) });
      }
    });
  }
});
