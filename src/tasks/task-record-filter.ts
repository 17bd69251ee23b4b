/** What the admin task log and the auditor export filter task records by, besides their tenant scope. */
export interface TaskRecordFilter {
  from?: number;
  to?: number;
  status?: string;
  model?: string;
}
