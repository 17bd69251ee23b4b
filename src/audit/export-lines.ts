import { isoTimeOrNull as iso } from '../common/iso-time';
import { formatUsd } from '../common/money';
import type { TaskDescriptor, TaskExportRow } from '../tasks/task-export-row';
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
 * About this many characters per chunk written to the response: under V8's large-object size, so a chunk is
 * allocated and collected in the young generation instead of piling up in old space until a full GC.
 */
const CHUNK_CHARS = 32 * 1024;

/** The export's formats, by the name the query gives. */
export type ExportFormat = 'csv' | 'ndjson';

/**
 * The export's text in chunks of about CHUNK_CHARS (CSV: the header first, also when there is no record), from its
 * records page by page: the same on the gateway's thread and on an export worker's.
 *
 * Between pages the event loop gets a turn: SQLite answers synchronously, so on the gateway's thread a long export
 * would otherwise hold every other request, and a worker reads its messages (the response asking for more) then.
 * A mark among the pages (not an array; `Mark` given explicitly) ends the chunk before it and is passed on in its
 * place; `header: false` leaves the CSV header out (a helper's part of an export, whose lead writes it).
 */
export async function* exportChunks<Mark = never>(
  pages: AsyncIterable<TaskExportRow[] | NoInfer<Mark>> | Iterable<TaskExportRow[] | NoInfer<Mark>>,
  tenantNames: Map<string, string>,
  format: ExportFormat,
  opts: { header?: boolean } = {},
): AsyncGenerator<string | Mark> {
  const lines = LINE_FORMATS[format];
  const rows = new ExportRows(tenantNames, lines);
  let text = opts.header === false ? '' : lines.header;
  for await (const page of pages) {
    await new Promise((resolve) => setImmediate(resolve));
    if (!Array.isArray(page)) {
      // A mark (e.g. where another thread's text belongs): what came before it goes out first.
      if (text !== '') yield text;
      text = '';
      yield page as Awaited<Mark>;
      continue;
    }
    for (const r of page) {
      text += rows.lineOf(r);
      if (text.length >= CHUNK_CHARS) {
        yield text;
        text = '';
      }
    }
  }
  if (text !== '') yield text;
}

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

/** Each column's place in EXPORT_COLUMNS. */
const AT = Object.fromEntries(EXPORT_COLUMNS.map((c, i) => [c, i])) as Record<ExportColumn, number>;
const TENANT_NAME = AT.tenant_name;

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

/** The export columns a record's descriptor holds: tenant_id to video_input, with tenant_name made from tenant_id. */
const DESCRIBED_FROM = AT.tenant_id;
const DESCRIBED_TO = AT.video_input + 1;

/** Descriptors whose text an export keeps (an export that meets more formats the others each time). */
const DESCRIPTORS_KEPT = 10_000;

/**
 * Turns the rows of export pages into the export's lines, redacted. The columns of a record's descriptor are written
 * once per descriptor and export (records repeat a few: DESCRIPTOR_COLUMNS); the others row by row.
 */
export class ExportRows {
  private readonly names: Map<string, ExportValue>;
  private readonly prices = new Map<string, string>();
  private readonly described = new Map<string, string>();
  /** One row's values by EXPORT_COLUMNS place, reused: a line is made of it before the next row's are set. */
  private readonly values: ExportValue[] = EXPORT_COLUMNS.map(() => null);

  constructor(
    tenantNames: Map<string, string>,
    private readonly format: LineFormat,
  ) {
    this.names = new Map([...tenantNames].map(([id, name]) => [id, redactExportValue(TENANT_NAME, name)]));
  }

  /** The export line of one row. */
  lineOf(r: TaskExportRow): string {
    const charged = r.amount_nano !== null;
    const values = this.values;
    values[AT.task_id] = r.task_id;
    values[AT.record_id] = r.id;
    values[AT.sku] = charged ? r.sku : null;
    values[AT.tokens] = charged ? Number(r.tokens) : null;
    values[AT.unit_price_usd_per_million_tokens] = charged ? this.unitPrice(r.nano_per_million!) : null;
    values[AT.amount_usd] = charged ? formatUsd(BigInt(r.amount_nano!)) : null;
    values[AT.created_at] = iso(Number(r.created_at));
    values[AT.finished_at] = r.finished_at === null ? null : iso(Number(r.finished_at));
    values[AT.safety_identifier] = r.safety_identifier;
    values[AT.callback_url] = r.callback_url;
    values[AT.hidden_by_tenant] = r.hidden_at !== null;
    values[AT.error_code] = r.error_code;
    values[AT.request_id] = r.request_id;
    for (const i of ROW_CHECKED) values[i] = redactExportValue(i, values[i]);
    const { fields, end } = this.format;
    return `${fields(values, EXPORT_PLAIN, 0, DESCRIBED_FROM)}${this.descriptorFields(r.descriptor)}${fields(values, EXPORT_PLAIN, DESCRIBED_TO, values.length)}${end}`;
  }

  /** The fields of a descriptor's columns, as `fields` writes them, made once per descriptor. */
  private descriptorFields(descriptor: string): string {
    let text = this.described.get(descriptor);
    if (text === undefined) {
      const [tenantId, model, upstreamModel, status, resolution, ratio, duration, hasVideoInput] = JSON.parse(descriptor) as TaskDescriptor;
      const values = this.values;
      values[AT.tenant_id] = tenantId;
      values[AT.tenant_name] = this.names.get(tenantId) ?? null;
      values[AT.model] = model;
      values[AT.upstream_model] = upstreamModel;
      values[AT.status] = status;
      values[AT.resolution] = resolution;
      values[AT.ratio] = ratio;
      values[AT.duration] = duration;
      values[AT.video_input] = !!hasVideoInput;
      for (let i = DESCRIBED_FROM; i < DESCRIBED_TO; i++) if (!EXPORT_PLAIN[i] && i !== TENANT_NAME) values[i] = redactExportValue(i, values[i]);
      text = flattened(this.format.fields(values, EXPORT_PLAIN, DESCRIBED_FROM, DESCRIBED_TO));
      if (this.described.size < DESCRIPTORS_KEPT) this.described.set(descriptor, text);
    }
    return text;
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
 * `text` made one piece in memory. V8 keeps a string built with `+` as a tree of its pieces until something reads it
 * whole; a text that goes into every line of an export would otherwise have its tree walked again in each chunk it is
 * copied into. Converting it to a number reads it whole once (the technique of the `flatstr` package).
 */
function flattened(text: string): string {
  void Number(text);
  return text;
}

/** The places of the columns set row by row (not from the descriptor) whose values are checked. */
const ROW_CHECKED = EXPORT_COLUMNS.map((_c, i) => i).filter((i) => (i < DESCRIBED_FROM || i >= DESCRIBED_TO) && !EXPORT_PLAIN[i]);

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

/**
 * How an export line is written: `fields` writes the columns of `values` (by EXPORT_COLUMNS place) from `from` to
 * `to`, each with what goes before it on the line, so the fields of a line's parts put together are the line's; a
 * string where `plain` is set is written as it is (made by the gateway: no quoting or escaping). `end` ends the line.
 */
export interface LineFormat {
  header: string;
  fields(this: void, values: readonly ExportValue[], plain: readonly boolean[], from: number, to: number): string;
  end: string;
}

/** CSV: the header line, then one record per line (LF-terminated). */
export const CSV: LineFormat = {
  header: CSV_HEADER,
  fields(values, plain, from, to) {
    let text = '';
    for (let i = from; i < to; i++) {
      const v = values[i];
      const field = plain[i] && typeof v === 'string' ? v : csvField(v);
      text += i === 0 ? field : `,${field}`;
    }
    return text;
  },
  end: '\n',
};

/** `{"task_id":`, `,"record_id":` … as JSON.stringify writes each key of a row object. */
const JSON_KEYS = EXPORT_COLUMNS.map((c, i) => `${i === 0 ? '{' : ','}${JSON.stringify(c)}:`);

/** Each key with the values that need no work (null, true, false) or with a string's opening quote, made once. */
const KEY_NULL = JSON_KEYS.map((k) => flattened(`${k}null`));
const KEY_TRUE = JSON_KEYS.map((k) => flattened(`${k}true`));
const KEY_FALSE = JSON_KEYS.map((k) => flattened(`${k}false`));
const KEY_QUOTE = JSON_KEYS.map((k) => flattened(`${k}"`));

/**
 * NDJSON: each line what `JSON.stringify` writes for the row as an object with the EXPORT_COLUMNS keys in order (no
 * value is undefined), without building that object. A string with nothing to escape is only quoted.
 */
export const NDJSON: LineFormat = {
  header: '',
  fields(values, plain, from, to) {
    let text = '';
    for (let i = from; i < to; i++) {
      const v = values[i];
      text +=
        v === null
          ? KEY_NULL[i]
          : typeof v === 'boolean'
            ? v
              ? KEY_TRUE[i]
              : KEY_FALSE[i]
            : typeof v === 'string' && (plain[i] || !JSON_ESCAPED.test(v))
              ? `${KEY_QUOTE[i]}${v}"`
              : JSON_KEYS[i] + JSON.stringify(v);
    }
    return text;
  },
  end: '}\n',
};

const LINE_FORMATS: Record<ExportFormat, LineFormat> = { csv: CSV, ndjson: NDJSON };

/** One CSV record of a row's values (every column). */
export function csvLine(values: ExportValue[], plain: readonly boolean[] = NONE_PLAIN): string {
  return CSV.fields(values, plain, 0, values.length) + CSV.end;
}

/** One NDJSON line of a row's values (every column). */
export function ndjsonLine(values: ExportValue[], plain: readonly boolean[] = NONE_PLAIN): string {
  return NDJSON.fields(values, plain, 0, values.length) + NDJSON.end;
}

/** What JSON.stringify must escape in a string: quote, backslash, control characters; surrogates are left to it. */
// eslint-disable-next-line no-control-regex -- the control characters are what JSON escapes
const JSON_ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;
