import { stringify } from 'csv-stringify/sync';
import { redact } from './redact';
import { randomUUID } from 'node:crypto';
import { SEED_PRICES } from '../billing/sku-rules';
import { STABLE_MODEL_NAMES } from '../catalog/catalog-rules';
import { isoTime } from '../common/iso-time';
import { formatUsd } from '../common/money';
import type { TaskStatus } from '../tasks/task.entity';
import { CSV_HEADER, csvLine, EXPORT_COLUMNS, EXPORT_PLAIN, exportRow, ndjsonLine, redactExportValue } from './export-lines';

/**
 * The export writes its lines by hand for speed; they must read exactly as csv-stringify (with the export's options)
 * and JSON.stringify wrote them, and its redaction must leave every value exactly as `redact` does in audit events.
 */
type Value = string | number | boolean | null;

const AWKWARD: Value[] = [
  null,
  '',
  'plain',
  'a,b',
  'say "hi"',
  '"',
  'line\nbreak',
  'carriage\rreturn',
  'crlf\r\n',
  ' leading and trailing ',
  '=1+2',
  '-5',
  'naïve – ☃ 😀',
  'lone \ud800 surrogate',
  'tab\tand\u0001control',
  'back\\slash',
  '\u2028\u2029',
  0,
  -1.5,
  108900,
  true,
  false,
];

/** Rows of 22 values each, cycling through the awkward values so every column meets each of them. */
const rows = (): Value[][] => AWKWARD.map((_, k) => EXPORT_COLUMNS.map((_c, i) => AWKWARD[(k + i) % AWKWARD.length]));

const asObject = (values: Value[]) => Object.fromEntries(EXPORT_COLUMNS.map((c, i) => [c, values[i]]));

describe('export lines read as csv-stringify and JSON.stringify wrote them', () => {
  it('CSV: header and records, byte for byte', () => {
    const reference = stringify(rows().map(asObject), {
      header: true,
      columns: [...EXPORT_COLUMNS],
      cast: { boolean: (b: boolean) => (b ? 'true' : 'false') },
    });
    expect(
      CSV_HEADER +
        rows()
          .map((v) => csvLine(v))
          .join(''),
    ).toBe(reference);
  });

  it('CSV: the header alone when there is no record', () => {
    expect(CSV_HEADER).toBe(stringify([], { header: true, columns: [...EXPORT_COLUMNS] }));
  });

  it('NDJSON: each line is JSON.stringify of the row object', () => {
    for (const values of rows()) expect(ndjsonLine(values)).toBe(`${JSON.stringify(asObject(values))}\n`);
  });
});

describe('export redaction leaves every value as redact() does in audit events', () => {
  const strings = [
    'https://example.com/cb?token=s3cr3t',
    'https://example.com/cb?id=7&sig=abc&api_key=k-123',
    'https://example.com/cb?X-Amz-Signature=deadbeef&user=1',
    'https://example.com/cb?access_token=a#frag',
    'https://example.com/cb?order=1',
    'https://example.com/cb,plain',
    'Bearer abc.def',
    'authorization: Bearer abc',
    'bearer lowercase stays',
    'oh-0123456789abcdef',
    'prefix oh-abcdefgh suffix',
    'oh-short',
    'x=1',
    'a=b&password=c',
    'cgt-20260611204121-462cw',
    '2026-06-11T20:41:21.000Z',
    'user-hash-001',
    '',
  ];

  it.each(strings)('%s', (s) => {
    for (let i = 0; i < EXPORT_COLUMNS.length; i++) {
      expect(redactExportValue(i, s)).toBe((redact({ [EXPORT_COLUMNS[i]]: s }) as Record<string, unknown>)[EXPORT_COLUMNS[i]]);
    }
  });

  it('numbers, booleans and nulls pass as redact() leaves them', () => {
    for (const v of [0, 108900, true, false, null]) {
      for (let i = 0; i < EXPORT_COLUMNS.length; i++) {
        expect(redactExportValue(i, v)).toBe((redact({ [EXPORT_COLUMNS[i]]: v }) as Record<string, unknown>)[EXPORT_COLUMNS[i]]);
      }
    }
  });

  it('exportRow equals redact() of the whole row', () => {
    for (const values of rows()) {
      const row = asObject(values.map((v, i) => (typeof v === 'string' ? `${v} ${strings[i % strings.length]}` : v))) as Parameters<typeof exportRow>[0];
      expect(exportRow(row)).toEqual(redact(row));
    }
  });
});

describe('gateway-made columns are written as they are, exactly as the checked path writes them', () => {
  const EVERY_STATUS: Record<TaskStatus, true> = {
    submitting: true,
    unknown: true,
    rejected: true,
    queued: true,
    running: true,
    succeeded: true,
    failed: true,
    expired: true,
    cancelled: true,
  };
  const times = [0, 1, 999, Date.now(), Date.parse('2026-06-11T20:41:21.123Z'), 8.64e15, -8.64e15, 253402300800000].map(isoTime);
  const amounts = [0n, 1n, 999n, 1_000_000_000n, 283_572_800n, 123_456_789_012_345_678n, -42n].map(formatUsd);
  /** Every value (or a sample of every format) each gateway-made column can hold. */
  const domains: Record<string, readonly (string | number | boolean | null)[]> = {
    record_id: Array.from({ length: 50 }, () => randomUUID()),
    tenant_id: Array.from({ length: 50 }, () => randomUUID()),
    model: STABLE_MODEL_NAMES,
    status: Object.keys(EVERY_STATUS),
    video_input: [true, false],
    sku: SEED_PRICES.map(([sku]) => sku),
    tokens: [null, 0, 50638, 108900],
    unit_price_usd_per_million_tokens: [null, ...amounts],
    amount_usd: [null, ...amounts],
    created_at: times,
    finished_at: [null, ...times],
    hidden_by_tenant: [true, false],
  };

  it('the plain columns are exactly those', () => {
    expect(EXPORT_COLUMNS.filter((_c, i) => EXPORT_PLAIN[i])).toEqual(EXPORT_COLUMNS.filter((c) => c in domains));
  });

  it.each(Object.keys(domains))('%s: redaction leaves each value alone, and the masked lines equal the checked ones', (column) => {
    const i = EXPORT_COLUMNS.indexOf(column as (typeof EXPORT_COLUMNS)[number]);
    for (const v of domains[column]) {
      expect(redactExportValue(i, v)).toBe(v);
      const values = EXPORT_COLUMNS.map((_c, k) => (k === i ? v : 'x'));
      expect(csvLine(values, EXPORT_PLAIN)).toBe(csvLine(values));
      expect(ndjsonLine(values, EXPORT_PLAIN)).toBe(ndjsonLine(values));
    }
  });
});
