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
  /**
   * For an export read by two connections at once (sqliteSplitExport): the records after a position (`ac`, `aid`) up
   * to another (`bc`, `bid`, inclusive), with no limit; and where the page after a position ends — the created_at and
   * id of its `pageSize`-th record, no row when fewer remain. Absent: the export is read in one sequence.
   */
  ranges?: { records: string; boundary: string };
  /** The values of the other named parameters (scope and filter). */
  params: Record<string, string | number>;
  pageSize: number;
}

/** A range of an export's records: after `after`, up to `until` inclusive, in (created_at, id) order. */
export interface ExportRange {
  after: TaskExportPosition;
  until: TaskExportPosition;
}

/** A position before every record (created_at is a time in ms, never negative; every id sorts after ''). */
export const BEFORE_ALL: TaskExportPosition = { createdAt: -1, id: '' };

/** Where the lead's sequence has a page of the helper's: its text comes from the helper, in this place. */
export const HELPER_PAGE = Symbol('helper page');

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
  yield* pagesFrom(statementsOf(db), plan, null);
}

/**
 * The lead's part of an export read on two connections (both plans alike, `plan.ranges` set): the records in pages of
 * `pageSize`, every other page given to a helper (`delegate`, told before the lead reads its own page, so both read at
 * once) and marked HELPER_PAGE where its text belongs. The pages are ranges between positions the lead alone finds
 * (`ranges.boundary`, on the index), so the two connections' reads never overlap nor leave a gap, even while records
 * change; a record committed during the export inside a range already read is missed, as by one sequence of pages.
 * The last pages (less than two left when looked at) are the lead's, read as sqliteExportPages does.
 */
export function* sqliteSplitExport(
  db: SqliteReadConnection,
  plan: SqliteExportPlan,
  delegate: (range: ExportRange) => void,
): Generator<TaskExportRow[] | typeof HELPER_PAGE> {
  const read = statementsOf(db);
  const ranges = plan.ranges;
  if (!ranges) throw new Error('the plan has no ranges to split the export by');
  const boundaryAfter = (after: TaskExportPosition): TaskExportPosition | null => {
    const found = read(ranges.boundary, { ...plan.params, ac: after.createdAt, aid: after.id });
    return found.rows.length === 0 ? null : lastPositionOf(found.columns, found.rows);
  };
  let after = BEFORE_ALL;
  for (;;) {
    const own = boundaryAfter(after);
    const theirs = own && boundaryAfter(own);
    if (!own || !theirs) {
      yield* pagesFrom(read, plan, after === BEFORE_ALL ? null : after);
      return;
    }
    delegate({ after: own, until: theirs });
    yield sqliteExportRange(read, plan, { after, until: own });
    yield HELPER_PAGE;
    after = theirs;
  }
}

/** The records of a range with their charges (a helper's page of sqliteSplitExport). */
export function sqliteExportRange(db: SqliteReadConnection | Read, plan: SqliteExportPlan, range: ExportRange): TaskExportRow[] {
  const read = typeof db === 'function' ? db : statementsOf(db);
  if (!plan.ranges) throw new Error('the plan has no ranges to split the export by');
  const params = { ...plan.params, ac: range.after.createdAt, aid: range.after.id, bc: range.until.createdAt, bid: range.until.id };
  return withCharges(read, plan, read(plan.ranges.records, params), range.after);
}

/** Pages of `pageSize` from `start` (null: the first record) to the end. */
function* pagesFrom(read: Read, plan: SqliteExportPlan, start: TaskExportPosition | null): Generator<TaskExportRow[]> {
  let after = start;
  for (;;) {
    const params: Record<string, unknown> = after ? { ...plan.params, ac: after.createdAt, aid: after.id } : plan.params;
    const records = read(after ? plan.records.after : plan.records.first, params);
    if (records.rows.length === 0) return;
    yield withCharges(read, plan, records, after);
    if (records.rows.length < plan.pageSize) return;
    after = lastPositionOf(records.columns, records.rows);
  }
}

/**
 * A page's records as export rows with their charges: the ledger entries of the page's range (after `after`, up to
 * its last record), then by id for a succeeded record the range brought none for.
 */
function withCharges(read: Read, plan: SqliteExportPlan, records: Rows, after: TaskExportPosition | null): TaskExportRow[] {
  if (records.rows.length === 0) return [];
  const last = lastPositionOf(records.columns, records.rows);
  const params: Record<string, unknown> = after ? { ...plan.params, ac: after.createdAt, aid: after.id } : plan.params;
  const charges = plan.charges ? read(after ? plan.charges.after : plan.charges.first, { ...params, uc: last.createdAt, uid: last.id }) : null;
  const rows = exportRowsOf(records.columns, records.rows, charges ? exportChargesOf(charges.columns, charges.rows) : new Map());
  for (const r of rows) {
    if (r.status !== 'succeeded' || r.amount_nano !== null) continue;
    const found = read(plan.chargeOf, { ...plan.params, ref: r.id });
    const charge = exportChargesOf(found.columns, found.rows).get(r.id);
    if (charge) Object.assign(r, charge);
  }
  return rows;
}

interface Rows {
  columns: string[];
  rows: unknown[][];
}

/** SQL run on a connection as arrays with the column names (statementsOf). */
export type Read = (sql: string, params: object) => Rows;

/** Runs SQL on `db` as arrays with the column names, each statement prepared once. */
export function statementsOf(db: SqliteReadConnection): Read {
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
