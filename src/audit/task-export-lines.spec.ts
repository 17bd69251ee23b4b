import { stringify } from 'csv-stringify/sync';
import { redact } from './redact';
import { CSV_HEADER, csvLine, EXPORT_COLUMNS, exportRow, ndjsonLine, redactExportValue } from './task-export.service';

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
    expect(CSV_HEADER + rows().map(csvLine).join('')).toBe(reference);
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
