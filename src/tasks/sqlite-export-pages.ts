import { exportChargesOf, exportRowsOf, type TaskExportPosition, type TaskExportRow } from './task-export-row';

/**
 * The auditor export's reads on SQLite, as SQL text with named parameters (`:name`, as better-sqlite3 binds them
 * from an object), made by TaskCrossTenantReader.sqliteExportPlan from the same queries as every other export read.
 * Plain data, so that it can be handed to a worker thread with a connection of its own (src/audit/export-workers.ts).
 */
export interface SqliteExportPlan {
  /** A page of records: the first (`first`), and the one after a position (`after`, parameters `ac`, `aid`). */
  records: { first: string; after: string };
  /**
   * The charges of a page's range, up to its last record (parameters `uc`, `uid`), and after the position the
   * page started from (`after`: also `ac`, `aid`); null when the filter leaves no record a charge can be for.
   */
  charges: { first: string; after: string } | null;
  /** The charge of one record by its id (parameter `ref`), for a succeeded record its range did not bring one for. */
  chargeOf: string;
  /** The values of the other named parameters (scope and filter). */
  params: Record<string, string | number>;
  pageSize: number;
}

/** What of a better-sqlite3 connection the export uses. */
export interface SqliteReadConnection {
  prepare(sql: string): { raw(on: boolean): { all(params: object): unknown[]; columns(): { name: string }[] } };
}

/**
 * Every record of a plan with its charge, page by page in creation order (keyset on created_at, id): the records of
 * a page, then the ledger entries of the same range (an entry carries its record's creation time, so
 * idx_ledger_task_order answers it from the index alone: bench/profiles/S6.md, fifth round), as arrays (half the
 * cost of the driver's row objects). A succeeded record the range brought no charge for (none is expected) is looked
 * up by id, so every page carries exactly the charge each record has. Synchronous, as better-sqlite3 answers.
 */
export function* sqliteExportPages(db: SqliteReadConnection, plan: SqliteExportPlan): Generator<TaskExportRow[]> {
  const read = statementsOf(db);
  let after: TaskExportPosition | null = null;
  for (;;) {
    const params: Record<string, unknown> = after ? { ...plan.params, ac: after.createdAt, aid: after.id } : plan.params;
    const records = read(after ? plan.records.after : plan.records.first, params);
    if (records.rows.length === 0) return;
    const last = lastPositionOf(records.columns, records.rows);
    const charges = plan.charges ? read(after ? plan.charges.after : plan.charges.first, { ...params, uc: last.createdAt, uid: last.id }) : null;
    const rows = exportRowsOf(records.columns, records.rows, charges ? exportChargesOf(charges.columns, charges.rows) : new Map());
    for (const r of rows) {
      if (r.status !== 'succeeded' || r.amount_nano !== null) continue;
      const found = read(plan.chargeOf, { ...plan.params, ref: r.id });
      const charge = exportChargesOf(found.columns, found.rows).get(r.id);
      if (charge) Object.assign(r, charge);
    }
    yield rows;
    if (records.rows.length < plan.pageSize) return;
    after = last;
  }
}

/** Runs SQL on `db` as arrays with the column names, each statement prepared once. */
function statementsOf(db: SqliteReadConnection): (sql: string, params: object) => { columns: string[]; rows: unknown[][] } {
  const prepared = new Map<string, { stmt: ReturnType<ReturnType<SqliteReadConnection['prepare']>['raw']>; columns: string[] }>();
  return (sql, params) => {
    let p = prepared.get(sql);
    if (p === undefined) {
      const stmt = db.prepare(sql).raw(true);
      p = { stmt, columns: stmt.columns().map((c) => c.name) };
      prepared.set(sql, p);
    }
    return { columns: p.columns, rows: p.stmt.all(params) as unknown[][] };
  };
}

/** Where a page read as arrays ends: its last row's created_at and id. */
function lastPositionOf(columns: string[], rows: unknown[][]): TaskExportPosition {
  const last = rows[rows.length - 1];
  return { createdAt: Number(last[columns.indexOf('created_at')]), id: last[columns.indexOf('id')] as string };
}
