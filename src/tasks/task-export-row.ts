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
