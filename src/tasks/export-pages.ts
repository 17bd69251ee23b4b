import { exportChargesOf, exportRowsOf, type TaskExportPosition, type TaskExportRow } from './task-export-row';

/**
 * The auditor export's reads, as SQL text made by TaskCrossTenantReader.exportPlan from the same queries as every
 * other export read: on SQLite with named parameters (`:name`, as better-sqlite3 binds them from an object), on
 * PostgreSQL with positional ones (`$1`, …) named in `positional`. Plain data, so that it can be handed to a worker
 * thread with a connection of its own (src/audit/export-workers.ts).
 */
export interface ExportPlan {
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
   * For an export read by two connections at once (splitExport): the records after a position (`ac`, `aid`) up
   * to another (`bc`, `bid`, inclusive), at most `pageSize + 1` of them; and where the page after a position ends — the created_at and
   * id of its `pageSize`-th record, no row when fewer remain. Absent: the export is read in one sequence.
   */
  ranges?: { records: string; boundary: string };
  /** The values of the other named parameters (scope and filter). */
  params: Record<string, string | number>;
  pageSize: number;
  /** PostgreSQL: each statement's parameters by name, in the order of its `$1`, `$2`, … (absent on SQLite). */
  positional?: Record<string, string[]>;
}

/** What a connection of the export's own opens: the SQLite database file, or a PostgreSQL server. */
export type ExportSource = { sqlite: string } | { postgres: PostgresSettings };

/** node-postgres client settings (plain data, for a worker thread). */
export interface PostgresSettings {
  connectionString?: string;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  ssl?: boolean | Record<string, unknown>;
  /** Server settings for the session (the gateway's: the schema's search path). */
  options?: string;
  /** How the connection shows in pg_stat_activity (a connection string's own `application_name` comes first). */
  application_name?: string;
  connectionTimeoutMillis?: number;
  query_timeout?: number;
  keepAlive?: boolean;
}

/** The `application_name` of the export's PostgreSQL connections, so an operator can tell them apart in pg_stat_activity. */
export const EXPORT_APPLICATION_NAME = 'arkgate export';

/** A range of an export's records: after `after`, up to `until` inclusive, in (created_at, id) order. */
export interface ExportRange {
  after: TaskExportPosition;
  until: TaskExportPosition;
}

/** The parameters a plan's statements name besides the scope's and the filter's: positions and a record id. */
export const EXPORT_POSITION_PARAMS = ['ac', 'aid', 'bc', 'bid', 'uc', 'uid', 'ref'] as const;

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
 * up by id, so every page carries exactly the charge each record has.
 */
export function exportPages(read: Read, plan: ExportPlan): AsyncGenerator<TaskExportRow[]> {
  return pagesFrom(read, plan, null);
}

/**
 * The lead's part of an export read on two connections (both plans alike, `plan.ranges` set): the records in pages of
 * `pageSize`, every other page given to a helper (`delegate`, told before the lead reads its own page, so both read at
 * once) and marked HELPER_PAGE where its text belongs. The pages are ranges between positions the lead alone finds
 * (`ranges.boundary`, on the index), so the two connections' reads never overlap nor leave a gap, even while records
 * change; a record committed during the export inside a range already read is missed, as by one sequence of pages.
 * The last pages (less than two left when looked at) are the lead's, read as exportPages does.
 */
export async function* splitExport(read: Read, plan: ExportPlan, delegate: (range: ExportRange) => void): AsyncGenerator<TaskExportRow[] | typeof HELPER_PAGE> {
  const ranges = plan.ranges;
  if (!ranges) throw new Error('the plan has no ranges to split the export by');
  const boundaryAfter = async (after: TaskExportPosition): Promise<TaskExportPosition | null> => {
    const found = await read(ranges.boundary, { ...plan.params, ac: after.createdAt, aid: after.id });
    return found.rows.length === 0 ? null : lastPositionOf(found.columns, found.rows);
  };
  let after = BEFORE_ALL;
  for (;;) {
    const own = await boundaryAfter(after);
    const theirs = own && (await boundaryAfter(own));
    if (!own || !theirs) {
      yield* pagesFrom(read, plan, after === BEFORE_ALL ? null : after);
      return;
    }
    delegate({ after: own, until: theirs });
    yield await exportRange(read, plan, { after, until: own });
    yield HELPER_PAGE;
    after = theirs;
  }
}

/**
 * The records of a range with their charges (a helper's page of splitExport). A range holds `pageSize` records when
 * its bounds are found; records committed into it since (a creation time a little behind the commit) make it longer,
 * so it is read on from its last record while a read brings more than `pageSize`.
 */
export async function exportRange(read: Read, plan: ExportPlan, range: ExportRange): Promise<TaskExportRow[]> {
  const ranges = plan.ranges;
  if (!ranges) throw new Error('the plan has no ranges to split the export by');
  let rows: TaskExportRow[] = [];
  for (let after = range.after; ;) {
    const params = { ...plan.params, ac: after.createdAt, aid: after.id, bc: range.until.createdAt, bid: range.until.id };
    const records = await read(ranges.records, params);
    const part = await withCharges(read, plan, records, after);
    rows = rows.length === 0 ? part : rows.concat(part);
    if (records.rows.length <= plan.pageSize) return rows;
    after = lastPositionOf(records.columns, records.rows);
  }
}

/** Pages of `pageSize` from `start` (null: the first record) to the end. */
async function* pagesFrom(read: Read, plan: ExportPlan, start: TaskExportPosition | null): AsyncGenerator<TaskExportRow[]> {
  let after = start;
  for (;;) {
    const params: Record<string, unknown> = after ? { ...plan.params, ac: after.createdAt, aid: after.id } : plan.params;
    const records = await read(after ? plan.records.after : plan.records.first, params);
    if (records.rows.length === 0) return;
    yield await withCharges(read, plan, records, after);
    if (records.rows.length < plan.pageSize) return;
    after = lastPositionOf(records.columns, records.rows);
  }
}

/**
 * A page's records as export rows with their charges: the ledger entries of the page's range (after `after`, up to
 * its last record), then by id for a succeeded record the range brought none for.
 */
async function withCharges(read: Read, plan: ExportPlan, records: Rows, after: TaskExportPosition | null): Promise<TaskExportRow[]> {
  if (records.rows.length === 0) return [];
  const last = lastPositionOf(records.columns, records.rows);
  const params: Record<string, unknown> = after ? { ...plan.params, ac: after.createdAt, aid: after.id } : plan.params;
  const charges = plan.charges ? await read(after ? plan.charges.after : plan.charges.first, { ...params, uc: last.createdAt, uid: last.id }) : null;
  const rows = exportRowsOf(records.columns, records.rows, charges ? exportChargesOf(charges.columns, charges.rows) : new Map());
  for (const r of rows) {
    if (r.status !== 'succeeded' || r.amount_nano !== null) continue;
    const found = await read(plan.chargeOf, { ...plan.params, ref: r.id });
    const charge = exportChargesOf(found.columns, found.rows).get(r.id);
    if (charge) Object.assign(r, charge);
  }
  return rows;
}

interface Rows {
  columns: string[];
  rows: unknown[][];
}

/** SQL run on a connection as arrays with the column names (sqliteReads, postgresReads). */
export type Read = (sql: string, params: Record<string, unknown>) => Promise<Rows>;

/** A plan's SQL run on a better-sqlite3 connection, each statement prepared once (it answers at once). */
export function sqliteReads(db: SqliteReadConnection): Read {
  const prepared = new Map<string, { stmt: ReturnType<ReturnType<SqliteReadConnection['prepare']>['raw']>; columns: string[] }>();
  return async (sql, params) => {
    let p = prepared.get(sql);
    if (p === undefined) {
      const stmt = db.prepare(sql).raw(true);
      p = { stmt, columns: stmt.columns().map((c) => c.name) };
      prepared.set(sql, p);
    }
    return { columns: p.columns, rows: p.stmt.all(params) as unknown[][] };
  };
}

/** What of a node-postgres client the export uses. */
export interface PostgresReadConnection {
  query(config: { name?: string; text: string; values?: unknown[]; rowMode?: 'array' }): Promise<{ fields: { name: string }[]; rows: unknown[][] }>;
}

/**
 * PostgreSQL refuses a prepared statement whose result columns changed type since it was prepared (a migration altered
 * a column it reads, e.g. by another instance while this connection was kept): SQLSTATE 0A000.
 */
function isStalePlan(err: unknown): boolean {
  return (err as { code?: unknown }).code === '0A000' && /cached plan must not change result type/.test((err as Error).message);
}

/**
 * A plan's SQL run on a node-postgres client, each statement a named prepared statement of the connection (parsed
 * and planned once), its parameters bound in the order `plan.positional` names them. `names` holds the statements the
 * connection has prepared, by SQL text: the same map for every export on a connection kept between them, so an export
 * with the same filter as one before it prepares nothing. A statement the server refuses because a column it reads
 * changed type since it was prepared is prepared again, once, and the read goes on.
 */
export function postgresReads(client: PostgresReadConnection, plan: ExportPlan, names = new Map<string, string>()): Read {
  return async (sql, params) => {
    const order = plan.positional?.[sql];
    if (!order) throw new Error('the plan names no parameters for a statement');
    let name = names.get(sql);
    if (name === undefined) names.set(sql, (name = `arkgate_export_${names.size}`));
    const values = order.map((n) => params[n]);
    let answer;
    try {
      answer = await client.query({ name, text: sql, values, rowMode: 'array' });
    } catch (err) {
      if (!isStalePlan(err)) throw err;
      // Prepared again under a new name (the driver remembers the old one as prepared); the old one is given up.
      const stale = name;
      names.set(sql, (name = `${stale}r`));
      await client.query({ text: `DEALLOCATE ${stale}` });
      answer = await client.query({ name, text: sql, values, rowMode: 'array' });
    }
    return { columns: answer.fields.map((f) => f.name), rows: answer.rows };
  };
}

/** Where a page read as arrays ends: its last row's created_at and id. */
function lastPositionOf(columns: string[], rows: unknown[][]): TaskExportPosition {
  const last = rows[rows.length - 1];
  return { createdAt: Number(last[columns.indexOf('created_at')]), id: last[columns.indexOf('id')] as string };
}
