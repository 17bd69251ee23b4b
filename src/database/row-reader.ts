import { QueryFailedError, type ObjectLiteral, type Repository } from 'typeorm';

/** `sql` written with `?` placeholders, as the engine wants them (PostgreSQL: `$1, $2, …`). */
export function placeholdersFor(type: string, sql: string): string {
  if (type !== 'postgres') return sql;
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * Whole entities read with one hand-written SQL statement and hydrated the way TypeORM hydrates them (the driver's
 * value preparation and each column's transformer), without TypeORM's query building: for reads on a hot path,
 * where building the query from find options costs more than running it (bench/README.md § Profiles).
 *
 * Conditions are written with `?` placeholders; they become `$1, $2, …` on PostgreSQL. The SQL of each condition is
 * built once and kept.
 */
export class RowReader<T extends ObjectLiteral> {
  private readonly statements = new Map<string, string>();
  /** SQLite: the prepared statement of each SQL text, run on the one shared connection without TypeORM's runner. */
  private readonly prepared = new Map<string, SqliteStatement>();

  constructor(private readonly repo: Repository<T>) {}

  /**
   * The first row matching `condition` (a SQL boolean expression over the table's columns), or null. `through` is the
   * repository to run it on: the one this reader was made for, or the same one bound to a transaction. `lock`: the
   * row is locked for the rest of that transaction on PostgreSQL (`FOR UPDATE`; SQLite's transactions run one at a time).
   */
  async first(condition: string, params: readonly unknown[], through: Repository<T> = this.repo, lock = false): Promise<T | null> {
    const sql = this.statement(condition, lock);
    const sqlite = sqliteConnectionOf(through);
    const rows = sqlite ? this.runOnSqlite(sqlite, sql, params) : await through.query<Record<string, unknown>[]>(sql, [...params]);
    return rows.length === 0 ? null : this.hydrate(rows[0]);
  }

  /**
   * better-sqlite3 answers synchronously on its one connection (the one TypeORM's runner and every transaction use),
   * so a read needs no runner: the statement is prepared once and run directly. Errors read as TypeORM's.
   */
  private runOnSqlite(db: SqliteConnection, sql: string, params: readonly unknown[]): Record<string, unknown>[] {
    try {
      let stmt = this.prepared.get(sql);
      if (stmt === undefined) {
        stmt = db.prepare(sql);
        this.prepared.set(sql, stmt);
      }
      return stmt.all(...params);
    } catch (err) {
      throw new QueryFailedError(sql, [...params], err as Error);
    }
  }

  private statement(condition: string, lock: boolean): string {
    const key = lock ? `${condition}\u0000lock` : condition;
    let sql = this.statements.get(key);
    if (sql === undefined) {
      const driver = this.repo.manager.connection.driver;
      const table = driver.escape(this.repo.metadata.tableName);
      const where = placeholdersFor(driver.options.type, condition);
      const selectList = columnList(this.repo);
      const locked = lock && driver.options.type === 'postgres' ? ' FOR UPDATE' : '';
      sql = `SELECT ${selectList} FROM ${table} WHERE ${where} LIMIT 1${locked}`;
      this.statements.set(key, sql);
    }
    return sql;
  }

  private hydrate(raw: Record<string, unknown>): T {
    return hydrateRow(this.repo, raw);
  }
}

/** A row as the database answered it (every column, by column name) made into an entity, as TypeORM hydrates one. */
export function hydrateRow<T extends ObjectLiteral>(repo: Repository<T>, raw: Record<string, unknown>): T {
  const driver = repo.manager.connection.driver;
  const entity = repo.metadata.create() as T;
  for (const column of repo.metadata.columns) {
    (entity as Record<string, unknown>)[column.propertyName] = driver.prepareHydratedValue(raw[column.databaseName], column);
  }
  return entity;
}

/** Every column of the entity's table, for a hand-written SELECT or RETURNING whose rows `hydrateRow` reads. */
export function columnList<T extends ObjectLiteral>(repo: Repository<T>): string {
  const driver = repo.manager.connection.driver;
  return repo.metadata.columns.map((c) => driver.escape(c.databaseName)).join(', ');
}

interface SqliteStatement {
  all(...params: unknown[]): Record<string, unknown>[];
  raw(on: boolean): SqliteRawStatement;
}

interface SqliteRawStatement {
  all(...params: unknown[]): unknown[][];
  columns(): { name: string }[];
}

interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
}

/** The open better-sqlite3 connection behind `repo`, or null on another driver (or before it is open). */
export function sqliteConnectionOf(repo: { manager: Repository<ObjectLiteral>['manager'] }): SqliteConnection | null {
  const driver = repo.manager.connection.driver as { options: { type: string }; databaseConnection?: SqliteConnection };
  return driver.options.type === 'better-sqlite3' && driver.databaseConnection ? driver.databaseConnection : null;
}
