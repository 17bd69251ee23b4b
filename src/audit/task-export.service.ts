import { Injectable } from '@nestjs/common';
import { isoTimeOrNull as iso } from '../common/iso-time';
import { Readable } from 'node:stream';
import { formatUsd } from '../common/money';
import { stableNameOf } from '../catalog/catalog-rules';
import { DomainError } from '../common/errors/domain-error';
import { TaskLogService } from '../tasks/task-log.service';
import type { TaskExportRow } from '../tasks/task-export-row';
import type { TaskRecordFilter } from '../tasks/task-record-filter';
import { TenancyService } from '../tenancy/tenancy.service';
import { staffFilterScope, TenantScope } from '../common/tenant-identity/tenant-scope';
import type { TaskExportQueryDto } from './dto/audit-queries.dto';
import { redact, REDACTED } from './redact';

/** The columns of an export row, in order. */
export const EXPORT_COLUMNS = [
  'task_id',
  'record_id',
  'tenant_id',
  'tenant_name',
  'model',
  'upstream_model',
  'status',
  'resolution',
  'ratio',
  'duration',
  'video_input',
  'sku',
  'tokens',
  'unit_price_usd_per_million_tokens',
  'amount_usd',
  'created_at',
  'finished_at',
  'safety_identifier',
  'callback_url',
  'hidden_by_tenant',
  'error_code',
  'request_id',
] as const;
type ExportColumn = (typeof EXPORT_COLUMNS)[number];
type ExportRow = Record<ExportColumn, string | number | boolean | null>;

/**
 * A row as it leaves the gateway: through the same `redact` as audit events, so a callback URL's
 * `token=`, `sig=` or `api_key=` (and any other secret a field may carry) reads the same in both.
 */
export function exportRow(row: ExportRow): ExportRow {
  return Object.fromEntries(EXPORT_COLUMNS.map((c, i) => [c, redactExportValue(i, row[c])])) as ExportRow;
}

/**
 * Every task record with its cost, streamed page by page (constant memory), as CSV or NDJSON. Hidden (deleted by
 * the tenant) tasks are included and flagged.
 *
 * A page is the records and the charges of one range (TaskCrossTenantReader.exportPage), read on PostgreSQL in
 * batches as its rows arrive. Its text goes out in chunks of a few tens of KB: the stream reads the next chunk only
 * once the socket has taken the one before (the response's backpressure), and chunks that small are short-lived
 * young-generation strings, so the text does not pile up however long the export. Between batches the event loop gets a turn, so other requests are served
 * during an export.
 */
@Injectable()
export class TaskExportService {
  constructor(
    private readonly tasks: TaskLogService,
    private readonly tenancy: TenancyService,
  ) {}

  stream(query: TaskExportQueryDto): { stream: Readable; type: string; filename: string } {
    const format = query.format ?? 'csv';
    const scope = staffFilterScope(query.tenant_id);
    const filter: TaskRecordFilter = {
      from: query.from ? Date.parse(query.from) : undefined,
      to: query.to ? Date.parse(query.to) : undefined,
      status: query.status,
      model: query.model === undefined ? undefined : stableNameOf(query.model),
    };
    if (query.model !== undefined && !filter.model) throw DomainError.invalid('model', `model \`${query.model}\` is not a model name.`);
    // One chunk at a time ahead of the response (which holds the one it is writing).
    const stream = Readable.from(this.chunks(scope, filter, format === 'ndjson' ? ndjsonLine : csvLine), { highWaterMark: 1 });
    return format === 'ndjson'
      ? { stream, type: 'application/x-ndjson', filename: 'tasks.ndjson' }
      : { stream, type: 'text/csv; charset=utf-8', filename: 'tasks.csv' };
  }

  /** The export's text in chunks of about CHUNK_CHARS (CSV: the header first, also when there is no record). */
  private async *chunks(
    scope: TenantScope,
    filter: TaskRecordFilter,
    line: (values: ExportValue[], plain: readonly boolean[]) => string,
  ): AsyncGenerator<string> {
    const rows = new ExportRows(await this.tenancy.tenantNames());
    let text = line === csvLine ? CSV_HEADER : '';
    for await (const batch of this.tasks.exportRecords(scope, filter)) {
      // Let other requests run between batches (a page on SQLite, the rows that have arrived on PostgreSQL): SQLite
      // answers synchronously, so without a turn of the event loop a long export would hold the whole gateway.
      await new Promise((resolve) => setImmediate(resolve));
      for (const r of batch) {
        text += line(rows.valuesOf(r), EXPORT_PLAIN);
        if (text.length >= CHUNK_CHARS) {
          yield text;
          text = '';
        }
      }
    }
    if (text !== '') yield text;
  }
}

/**
 * About this many characters per chunk written to the response: under V8's large-object size, so a chunk is
 * allocated and collected in the young generation instead of piling up in old space until a full GC.
 */
const CHUNK_CHARS = 32 * 1024;

type ExportValue = string | number | boolean | null;

/** Columns whose name alone makes `redact` hide their value (none today; kept so a new column is redacted the same). */
const SECRET_COLUMN = EXPORT_COLUMNS.map((c) => redact('x', c) === REDACTED);

/**
 * What `redact` can change in a string: a `Bearer` token, an `oh-` token, a `name=value` query parameter. A string
 * with none of these comes out of `redact` as it went in, so it is not run through its three replacements.
 */
const MAY_HOLD_SECRET = /Bearer|oh-|=/;

/** A value of the column at `index` as `redact` leaves it in an audit event: the same function, field by field. */
export function redactExportValue(index: number, value: ExportValue): ExportValue {
  if (SECRET_COLUMN[index]) return value === null || typeof value === 'boolean' ? value : REDACTED;
  if (typeof value === 'string' && MAY_HOLD_SECRET.test(value)) return redact(value) as string;
  return value;
}

const TENANT_NAME = EXPORT_COLUMNS.indexOf('tenant_name');

/**
 * How each column is written. `made`: the gateway makes its values itself, from closed sets or fixed formats — ids
 * (UUIDs), the stable model name and the status (closed sets), the SKU (`skuFor`), ISO times, amounts (`formatUsd`),
 * numbers and booleans. No such value holds what `redact` changes, a character CSV quotes or one JSON escapes
 * (task-export-lines.spec.ts checks every value of those sets), so the export writes them as they are. `checked`:
 * upstream's or the caller's text and the tenant name, through redaction and quoting.
 */
const WRITTEN_AS: Record<ExportColumn, 'made' | 'checked'> = {
  task_id: 'checked',
  record_id: 'made',
  tenant_id: 'made',
  tenant_name: 'checked',
  model: 'made',
  upstream_model: 'checked',
  status: 'made',
  resolution: 'checked',
  ratio: 'checked',
  duration: 'checked',
  video_input: 'made',
  sku: 'made',
  tokens: 'made',
  unit_price_usd_per_million_tokens: 'made',
  amount_usd: 'made',
  created_at: 'made',
  finished_at: 'made',
  safety_identifier: 'checked',
  callback_url: 'checked',
  hidden_by_tenant: 'made',
  error_code: 'checked',
  request_id: 'checked',
};

/** Per column of EXPORT_COLUMNS: written as it is (made by the gateway, WRITTEN_AS). */
export const EXPORT_PLAIN: readonly boolean[] = EXPORT_COLUMNS.map((c) => WRITTEN_AS[c] === 'made');

/** No column written as it is: every string checked (the lines' default). */
const NONE_PLAIN: readonly boolean[] = EXPORT_COLUMNS.map(() => false);

/** Turns the rows of export pages into the export's values, in EXPORT_COLUMNS order, redacted. */
class ExportRows {
  private readonly names: Map<string, ExportValue>;
  private readonly prices = new Map<string, string>();
  private readonly values: ExportValue[] = [];

  constructor(tenantNames: Map<string, string>) {
    this.names = new Map([...tenantNames].map(([id, name]) => [id, redactExportValue(TENANT_NAME, name)]));
  }

  /** The values of one row, in a list the caller reads before it asks for the next row's (it is reused). */
  valuesOf(r: TaskExportRow): ExportValue[] {
    const charged = r.amount_nano !== null;
    const values = this.values;
    values.length = 0;
    values.push(
      r.task_id,
      r.id,
      r.tenant_id,
      null, // tenant_name: redacted once per tenant, below
      r.model,
      r.upstream_model,
      r.status,
      r.resolution,
      r.ratio,
      r.duration,
      !!r.has_video_input,
      charged ? r.sku : null,
      charged ? Number(r.tokens) : null,
      charged ? this.unitPrice(r.nano_per_million!) : null,
      charged ? formatUsd(BigInt(r.amount_nano!)) : null,
      iso(Number(r.created_at)),
      r.finished_at === null ? null : iso(Number(r.finished_at)),
      r.safety_identifier,
      r.callback_url,
      r.hidden_at !== null,
      r.error_code,
      r.request_id,
    );
    for (let i = 0; i < values.length; i++) if (!EXPORT_PLAIN[i]) values[i] = redactExportValue(i, values[i]);
    values[TENANT_NAME] = this.names.get(r.tenant_id) ?? null;
    return values;
  }

  /** Unit prices repeat (one per SKU and price change): each is formatted once per export. */
  private unitPrice(nanoPerMillion: number | string): string {
    const key = String(nanoPerMillion);
    let text = this.prices.get(key);
    if (text === undefined) {
      text = formatUsd(BigInt(nanoPerMillion));
      if (this.prices.size < 10_000) this.prices.set(key, text);
    }
    return text;
  }
}

/**
 * A CSV field exactly as csv-stringify (the export's CSV writer until these were hand-written for speed, and the
 * reference of its tests) writes it with the export's options: quoted when it holds a comma, a quote, CR or LF,
 * quotes doubled; booleans `true`/`false`; null empty.
 */
function csvField(v: ExportValue): string {
  if (typeof v === 'string') return CSV_QUOTE.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  if (v === null) return '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return `${v}`;
}
const CSV_QUOTE = /[",\n\r]/;

export const CSV_HEADER = `${EXPORT_COLUMNS.join(',')}\n`;

/** One CSV record (LF-terminated) of a row's values; a string where `plain` is set is written unquoted, as it is. */
export function csvLine(values: ExportValue[], plain: readonly boolean[] = NONE_PLAIN): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const field = plain[i] && typeof v === 'string' ? v : csvField(v);
    line += i === 0 ? field : `,${field}`;
  }
  return `${line}\n`;
}

/** `{"task_id":`, `,"record_id":` … as JSON.stringify writes each key of a row object. */
const JSON_KEYS = EXPORT_COLUMNS.map((c, i) => `${i === 0 ? '{' : ','}${JSON.stringify(c)}:`);

/**
 * One NDJSON line of a row's values: what `JSON.stringify` writes for the row as an object with the EXPORT_COLUMNS
 * keys in order (no value is undefined), without building that object. A string where `plain` is set needs no escape.
 */
export function ndjsonLine(values: ExportValue[], plain: readonly boolean[] = NONE_PLAIN): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    line +=
      JSON_KEYS[i] + (v === null ? 'null' : typeof v === 'boolean' ? (v ? 'true' : 'false') : plain[i] && typeof v === 'string' ? `"${v}"` : jsonValue(v));
  }
  return `${line}}\n`;
}

/** What JSON.stringify must escape in a string: quote, backslash, control characters; surrogates are left to it. */
// eslint-disable-next-line no-control-regex -- the control characters are what JSON escapes
const JSON_ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

/** JSON.stringify of a string or number; a string with nothing to escape is only quoted. */
function jsonValue(v: string | number): string {
  return typeof v === 'string' && !JSON_ESCAPED.test(v) ? `"${v}"` : JSON.stringify(v);
}
