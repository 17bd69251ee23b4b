/**
 * The shape of the auditor export's read of task records: what one page row carries (the record and its charge,
 * raw from the driver) and where a page ends. Shared by the tasks reader that reads it and the audit export that
 * writes it.
 */

/** Records per page of the auditor export: one query each, with a turn of the event loop between pages. */
export const EXPORT_PAGE_SIZE = 1000;

/** Where an export page ends: the (created_at, id) of its last row. */
export interface TaskExportPosition {
  createdAt: number;
  id: string;
}

/**
 * One task record as the auditor export reads it, with its charge (the ledger columns are null without one), as
 * the driver returns it: epoch milliseconds and token counts are numbers on SQLite and decimal strings on
 * PostgreSQL, `has_video_input` is 0/1 on SQLite. `resolution` is the one upstream reported, or the requested one.
 */
export interface TaskExportRow {
  id: string;
  task_id: string | null;
  tenant_id: string;
  model: string;
  upstream_model: string;
  status: string;
  resolution: string | null;
  ratio: string | null;
  duration: number | null;
  has_video_input: boolean | number;
  created_at: number | string;
  finished_at: number | string | null;
  safety_identifier: string | null;
  callback_url: string | null;
  hidden_at: number | string | null;
  error_code: string | null;
  request_id: string;
  sku: string | null;
  tokens: number | string | null;
  nano_per_million: number | string | null;
  amount_nano: number | string | null;
}

/** The columns of an export page. */
const EXPORT_ROW_COLUMNS = [
  'id',
  'task_id',
  'tenant_id',
  'model',
  'upstream_model',
  'status',
  'resolution',
  'ratio',
  'duration',
  'has_video_input',
  'created_at',
  'finished_at',
  'safety_identifier',
  'callback_url',
  'hidden_at',
  'error_code',
  'request_id',
  'sku',
  'tokens',
  'nano_per_million',
  'amount_nano',
] as const satisfies readonly (keyof TaskExportRow)[];

/** Rows read as arrays, `columns` naming their places (in whatever order the query selected them). */
export function exportRowsOf(columns: readonly string[], rows: readonly unknown[][]): TaskExportRow[] {
  const at = EXPORT_ROW_COLUMNS.map((c) => {
    const i = columns.indexOf(c);
    if (i < 0) throw new Error(`an export page without its ${c} column`);
    return i;
  });
  return rows.map(
    (r) =>
      ({
        id: r[at[0]],
        task_id: r[at[1]],
        tenant_id: r[at[2]],
        model: r[at[3]],
        upstream_model: r[at[4]],
        status: r[at[5]],
        resolution: r[at[6]],
        ratio: r[at[7]],
        duration: r[at[8]],
        has_video_input: r[at[9]],
        created_at: r[at[10]],
        finished_at: r[at[11]],
        safety_identifier: r[at[12]],
        callback_url: r[at[13]],
        hidden_at: r[at[14]],
        error_code: r[at[15]],
        request_id: r[at[16]],
        sku: r[at[17]],
        tokens: r[at[18]],
        nano_per_million: r[at[19]],
        amount_nano: r[at[20]],
      }) as TaskExportRow,
  );
}
