/**
 * The shape of the auditor export's read of task records: what one page row carries (the record and its charge,
 * raw from the driver) and where a page ends. Shared by the tasks reader that reads it and the audit export that
 * writes it.
 */

/** Records per page of the auditor export (a page is one read of records and one of their charges). */
export const EXPORT_PAGE_SIZE = 1000;

/** Where an export page ends: the (created_at, id) of its last row. */
export interface TaskExportPosition {
  createdAt: number;
  id: string;
}

/**
 * The columns of a record that the export reads as one value, its `descriptor`: a JSON array of them, in this order,
 * as the database writes it (`json_array` on SQLite, `json_build_array` on PostgreSQL). They come from small sets (a
 * tenant, a model and its upstream version, a status, the video's resolution, ratio and duration, with or without a
 * video input), so records repeat the same few descriptors and the export formats each one once; read as one value
 * they also cost the driver one string instead of eight.
 */
export const DESCRIPTOR_COLUMNS = ['tenant_id', 'model', 'upstream_model', 'status', 'resolution', 'ratio', 'duration', 'has_video_input'] as const;

/** A descriptor's values, in DESCRIPTOR_COLUMNS order (`has_video_input` is 0/1 on SQLite). */
export type TaskDescriptor = [
  tenantId: string,
  model: string,
  upstreamModel: string,
  status: string,
  resolution: string | null,
  ratio: string | null,
  duration: number | null,
  hasVideoInput: boolean | number,
];

/**
 * One task record as the auditor export reads it, with its charge (the ledger columns are null without one), as
 * the driver returns it: epoch milliseconds and token counts are numbers on SQLite and decimal strings on
 * PostgreSQL. `descriptor` holds the DESCRIPTOR_COLUMNS (`resolution` is the one upstream reported, or the requested
 * one); `status` is also read on its own, for the reader.
 */
export interface TaskExportRow extends NullableCharge {
  id: string;
  task_id: string | null;
  descriptor: string;
  status: string;
  created_at: number | string;
  finished_at: number | string | null;
  safety_identifier: string | null;
  callback_url: string | null;
  hidden_at: number | string | null;
  error_code: string | null;
  request_id: string;
}

/** A record's charge, its ledger entry's columns as the driver returns them (numbers on SQLite, strings on PostgreSQL). */
export interface TaskExportCharge {
  sku: string;
  tokens: number | string;
  nano_per_million: number | string;
  amount_nano: number | string;
}

type NullableCharge = { [K in keyof TaskExportCharge]: TaskExportCharge[K] | null };

/** The columns of an export page's records (its charges come from the ledger, see exportChargesOf). */
const EXPORT_ROW_COLUMNS = [
  'id',
  'task_id',
  'descriptor',
  'status',
  'created_at',
  'finished_at',
  'safety_identifier',
  'callback_url',
  'hidden_at',
  'error_code',
  'request_id',
] as const satisfies readonly (keyof TaskExportRow)[];

/**
 * Records read as arrays, `columns` naming their places (in whatever order the query selected them), each with its
 * charge from `charges` (by record id) or none.
 */
export function exportRowsOf(columns: readonly string[], rows: readonly unknown[][], charges: ReadonlyMap<string, TaskExportCharge>): TaskExportRow[] {
  const at = placesOf(EXPORT_ROW_COLUMNS, columns);
  return rows.map((r) => {
    const charge = charges.get(r[at[0]] as string);
    return {
      id: r[at[0]],
      task_id: r[at[1]],
      descriptor: r[at[2]],
      status: r[at[3]],
      created_at: r[at[4]],
      finished_at: r[at[5]],
      safety_identifier: r[at[6]],
      callback_url: r[at[7]],
      hidden_at: r[at[8]],
      error_code: r[at[9]],
      request_id: r[at[10]],
      sku: charge ? charge.sku : null,
      tokens: charge ? charge.tokens : null,
      nano_per_million: charge ? charge.nano_per_million : null,
      amount_nano: charge ? charge.amount_nano : null,
    } as TaskExportRow;
  });
}

/** The columns of a charges read: the record a ledger entry is for, and the entry's charge. */
const EXPORT_CHARGE_COLUMNS = ['task_ref', 'sku', 'tokens', 'nano_per_million', 'amount_nano'] as const;

/** Ledger entries read as arrays (`columns` naming their places), as charges by record id. */
export function exportChargesOf(columns: readonly string[], rows: readonly unknown[][]): Map<string, TaskExportCharge> {
  const at = placesOf(EXPORT_CHARGE_COLUMNS, columns);
  const charges = new Map<string, TaskExportCharge>();
  for (const r of rows) {
    charges.set(
      r[at[0]] as string,
      {
        sku: r[at[1]],
        tokens: r[at[2]],
        nano_per_million: r[at[3]],
        amount_nano: r[at[4]],
      } as TaskExportCharge,
    );
  }
  return charges;
}

function placesOf(wanted: readonly string[], columns: readonly string[]): number[] {
  return wanted.map((c) => {
    const i = columns.indexOf(c);
    if (i < 0) throw new Error(`an export page without its ${c} column`);
    return i;
  });
}
