import type { EntityManager, ObjectLiteral, Repository } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { placeholdersFor } from './row-reader';

/** One row's change: its key (tenant and id) and the properties to set. */
export interface RowChange<T> {
  tenantId: string;
  id: string;
  patch: Partial<T>;
}

/** Rows per statement: keeps each within PostgreSQL's 65,535 bound parameters and SQLite's 32,766. */
const ROWS_PER_STATEMENT = 200;

/**
 * Many rows changed by one statement per shape of patch, each row to its own values: `UPDATE … FROM (VALUES …)`, which
 * both engines run (SQLite ≥ 3.33). For batches on a hot path, where one UPDATE per row costs a
 * round trip each on PostgreSQL. Values are prepared the way TypeORM prepares them (each column's transformer, then the
 * driver's own conversion), and typed with the column's type on PostgreSQL. `condition` (SQL on the table's columns,
 * no parameters) must also hold for a row to change. Resolves with the ids of the rows that changed.
 */
export async function updateRows<T extends ObjectLiteral>(
  manager: EntityManager,
  repo: Repository<T>,
  changes: readonly RowChange<T>[],
  condition = 'TRUE',
): Promise<Set<string>> {
  const changed = new Set<string>();
  const shapes = new Map<string, RowChange<T>[]>();
  for (const change of changes) {
    const shape = Object.keys(change.patch).sort().join(',');
    const same = shapes.get(shape);
    if (same) same.push(change);
    else shapes.set(shape, [change]);
  }
  for (const [shape, group] of shapes) {
    if (shape === '') continue;
    const columns = shape.split(',').map((p) => column(repo, p));
    for (let i = 0; i < group.length; i += ROWS_PER_STATEMENT) {
      const rows = group.slice(i, i + ROWS_PER_STATEMENT);
      const [sql, params] = statement(manager, repo, columns, rows, condition);
      const result: unknown = await manager.query(sql, params);
      for (const row of returnedRows(result)) changed.add(String(row.id));
    }
  }
  return changed;
}

function column<T extends ObjectLiteral>(repo: Repository<T>, property: string): ColumnMetadata {
  const found = repo.metadata.findColumnWithPropertyName(property);
  if (!found) throw new Error(`${repo.metadata.name} has no column ${property}`);
  return found;
}

function statement<T extends ObjectLiteral>(
  manager: EntityManager,
  repo: Repository<T>,
  columns: ColumnMetadata[],
  rows: readonly RowChange<T>[],
  condition: string,
): [string, unknown[]] {
  const driver = manager.connection.driver;
  const postgres = manager.connection.options.type === 'postgres';
  const q = (name: string) => driver.escape(name);
  const typed = (c: ColumnMetadata) => (postgres ? `CAST(? AS ${driver.normalizeType(c)})` : '?');
  const key = column(repo, 'id');
  const tenant = column(repo, 'tenantId');
  const keys = [key, tenant];
  const all = [...keys, ...columns];
  // VALUES names its columns column1, column2, … on both engines.
  const at = (i: number) => `v.${q(`column${i + 1}`)}`;
  const values = rows.map(() => `(${all.map(typed).join(', ')})`).join(', ');
  const params: unknown[] = [];
  for (const row of rows) {
    params.push(row.id, row.tenantId);
    for (const c of columns) params.push(driver.preparePersistentValue(row.patch[c.propertyName as keyof T], c));
  }
  const table = q(repo.metadata.tableName);
  const set = columns.map((c, i) => `${q(c.databaseName)} = ${at(i + keys.length)}`).join(', ');
  const sql =
    `UPDATE ${table} SET ${set} FROM (VALUES ${values}) AS v ` +
    `WHERE ${table}.${q(key.databaseName)} = ${at(0)} AND ${table}.${q(tenant.databaseName)} = ${at(1)} AND (${condition}) ` +
    `RETURNING ${table}.${q(key.databaseName)} AS ${q('id')}`;
  return [placeholdersFor(postgres ? 'postgres' : 'sqlite', sql), params];
}

/** The rows a RETURNING statement answered, whichever driver ran it (PostgreSQL's UPDATE answers [rows, count]). */
export function returnedRows(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as Record<string, unknown>[];
  return Array.isArray(result) ? (result as Record<string, unknown>[]) : [];
}

/** The INSERT of each table and column set, built once (keyed by the entity's metadata). */
const insertStatements = new WeakMap<object, Map<string, string>>();

/**
 * One row inserted by a hand-written statement with bound parameters, without TypeORM's query building: for inserts
 * on a hot path (a task's record, an audit event), where building the INSERT from the entity costs more than running
 * it, and where TypeORM's SQLite driver would write numbers into the SQL text (each a new statement to prepare).
 * Every column whose property is set is written (values prepared as TypeORM prepares them); the others take their
 * defaults. `returning` names columns to answer (the row of `RETURNING`, both engines), e.g. a generated key.
 */
export async function insertRow<T extends ObjectLiteral>(
  manager: EntityManager,
  repo: Repository<T>,
  entity: T,
  returning: readonly string[] = [],
): Promise<Record<string, unknown> | undefined> {
  const [sql, params] = insertStatement(manager, repo, entity, returning);
  const result: unknown = await manager.query(sql, params);
  return Array.isArray(result) ? (result[0] as Record<string, unknown> | undefined) : undefined;
}

/** The statement of `insertRow` and its parameters (`?` placeholders already numbered on PostgreSQL). */
export function insertStatement<T extends ObjectLiteral>(
  manager: EntityManager,
  repo: Repository<T>,
  entity: T,
  returning: readonly string[] = [],
  when?: string,
): [string, unknown[]] {
  const driver = manager.connection.driver;
  const columns = repo.metadata.columns.filter((c) => (entity as Record<string, unknown>)[c.propertyName] !== undefined);
  const key = `${columns.map((c) => c.propertyName).join(',')}|${returning.join(',')}|${when ?? ''}`;
  let byColumns = insertStatements.get(repo.metadata);
  if (!byColumns) insertStatements.set(repo.metadata, (byColumns = new Map<string, string>()));
  let sql = byColumns.get(key);
  if (sql === undefined) {
    const q = (name: string) => driver.escape(name);
    const names = columns.map((c) => q(c.databaseName)).join(', ');
    const postgres = manager.connection.options.type === 'postgres';
    const answer = returning.length > 0 ? ` RETURNING ${returning.map((name) => q(column(repo, name).databaseName)).join(', ')}` : '';
    // A conditional insert selects its values, typed on PostgreSQL (a bare parameter in a select list has no type).
    const source =
      when === undefined
        ? `VALUES (${columns.map(() => '?').join(', ')})`
        : `SELECT ${columns.map((c) => (postgres ? `CAST(? AS ${driver.normalizeType(c)})` : '?')).join(', ')} WHERE ${when}`;
    sql = placeholdersFor(manager.connection.options.type, `INSERT INTO ${q(repo.metadata.tableName)} (${names}) ${source}${answer}`);
    byColumns.set(key, sql);
  }
  return [sql, columns.map((c): unknown => driver.preparePersistentValue((entity as Record<string, unknown>)[c.propertyName], c))];
}

/**
 * `insertRow`, made only where `condition` holds (SQL, `?` placeholders for `params`, checked in the same statement).
 * Resolves with whether the row was inserted.
 */
export async function insertRowWhere<T extends ObjectLiteral>(
  manager: EntityManager,
  repo: Repository<T>,
  entity: T,
  condition: string,
  params: readonly unknown[],
): Promise<boolean> {
  const [sql, values] = insertStatement(manager, repo, entity, ['id'], condition);
  const result: unknown = await manager.query(sql, [...values, ...params]);
  return Array.isArray(result) && result.length > 0;
}

/**
 * One UPDATE with bound parameters (no query building): sets `patch` where `condition` holds (SQL over the table's
 * columns, `?` placeholders for `params`). Resolves with the ids of the rows it changed.
 */
export async function updateWhere<T extends ObjectLiteral>(
  manager: EntityManager,
  repo: Repository<T>,
  patch: Partial<T>,
  condition: string,
  params: readonly unknown[],
): Promise<string[]> {
  const driver = manager.connection.driver;
  const q = (name: string) => driver.escape(name);
  const columns = Object.keys(patch).map((p) => column(repo, p));
  const set = columns.map((c) => `${q(c.databaseName)} = ?`).join(', ');
  const key = column(repo, 'id');
  const sql = placeholdersFor(
    manager.connection.options.type,
    `UPDATE ${q(repo.metadata.tableName)} SET ${set} WHERE ${condition} RETURNING ${q(key.databaseName)} AS ${q('id')}`,
  );
  const values = columns.map((c): unknown => driver.preparePersistentValue(patch[c.propertyName as keyof T], c));
  const result: unknown = await manager.query(sql, [...values, ...params]);
  return returnedRows(result).map((row) => String(row.id));
}
