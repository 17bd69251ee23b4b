import Database from 'better-sqlite3';
import { Client } from 'pg';
import { type ExportPlan, type ExportSource, type PostgresSettings, postgresReads, type Read, sqliteReads } from '../tasks/export-pages';

/** How long a kept connection may take to answer `SELECT 1` before it is taken for dead and replaced. */
const PING_MS = 2000;
/** How long closing a connection may wait for the server. */
const END_MS = 1000;
/**
 * A kept PostgreSQL connection that has prepared more statements than this (one set per filter an export was asked
 * with) is closed after its export instead of kept, so a server backend does not gather them without bound.
 */
const STATEMENTS_MAX = 64;

/** A connection open for one export: its reads, and its end (`reusable`: the export read to its end). */
export interface OpenExportConnection {
  read: Read;
  close(reusable: boolean): Promise<void>;
}

interface KeptPostgres {
  key: string;
  client: Client;
  /** The connection's named prepared statements by SQL text (they live as long as the connection). */
  statements: Map<string, string>;
  /** The server ended the connection, or it failed. */
  broken: boolean;
  idleTimer?: NodeJS.Timeout;
}

/**
 * An export worker's connection to the database (src/audit/export-worker.ts): a SQLite file is opened read-only for
 * each export (a matter of microseconds); a PostgreSQL connection is kept after an export that read to its end, for
 * the next export with the same settings, until it has been idle `keepMs` — a new one costs a connect and a cold
 * backend's first statements, about 100 ms of an export's first byte (bench/profiles/S6.md, eleventh round). A kept
 * connection the server ended while it was idle is dropped at once; before it is used again it must answer
 * `SELECT 1` within PING_MS, else a new one is opened, so an export never fails for a connection that died idle.
 */
export class ExportConnection {
  private kept: KeptPostgres | null = null;

  async open(source: ExportSource, plan: ExportPlan, keepMs: number): Promise<OpenExportConnection> {
    if ('sqlite' in source) {
      const db = new Database(source.sqlite, { readonly: true, fileMustExist: true });
      db.pragma('busy_timeout = 5000');
      return { read: sqliteReads(db), close: async () => void db.close() };
    }
    const key = JSON.stringify(source.postgres);
    let connection = await this.reuse(key);
    connection ??= await connectPostgres(source.postgres, key, (c) => this.lost(c));
    const used = connection;
    return {
      read: postgresReads(used.client, plan, used.statements),
      close: async (reusable) => {
        if (reusable && keepMs > 0 && !used.broken && used.statements.size <= STATEMENTS_MAX) this.keep(used, keepMs);
        else await endQuietly(used);
      },
    };
  }

  /** Closes the kept connection, if any (the worker's thread is about to end). */
  async end(): Promise<void> {
    const kept = this.kept;
    this.kept = null;
    if (kept) {
      clearTimeout(kept.idleTimer);
      await endQuietly(kept);
    }
  }

  /** The kept connection if it has the same settings and still answers; otherwise it is closed and null. */
  private async reuse(key: string): Promise<KeptPostgres | null> {
    const kept = this.kept;
    this.kept = null;
    if (!kept) return null;
    clearTimeout(kept.idleTimer);
    if (kept.key === key && !kept.broken && (await answers(kept.client))) return kept;
    await endQuietly(kept);
    return null;
  }

  private keep(connection: KeptPostgres, keepMs: number): void {
    if (this.kept && this.kept !== connection) void this.end();
    this.kept = connection;
    connection.idleTimer = setTimeout(() => {
      if (this.kept !== connection) return;
      this.kept = null;
      void endQuietly(connection);
    }, keepMs).unref();
  }

  /** The server ended a connection or it failed: if it is the idle one, it goes now. */
  private lost(connection: KeptPostgres): void {
    connection.broken = true;
    if (this.kept !== connection) return;
    this.kept = null;
    clearTimeout(connection.idleTimer);
    void endQuietly(connection);
  }
}

async function connectPostgres(settings: PostgresSettings, key: string, lost: (c: KeptPostgres) => void): Promise<KeptPostgres> {
  const client = new Client(settings);
  const connection: KeptPostgres = { key, client, statements: new Map(), broken: false };
  // A client whose server goes away errors on its own; a read under way fails with it.
  client.on('error', () => lost(connection));
  client.on('end', () => lost(connection));
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  return connection;
}

async function answers(client: Client): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), PING_MS)));
  const ping = client.query('SELECT 1').then(
    () => true,
    () => false,
  );
  const alive = await Promise.race([ping, late]);
  clearTimeout(timer);
  return alive;
}

/** Ends a connection, waiting at most END_MS for the server's goodbye (one that is gone may never give it). */
async function endQuietly(connection: KeptPostgres): Promise<void> {
  connection.broken = true;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, END_MS).unref()));
  await Promise.race([connection.client.end().catch(() => undefined), late]);
  clearTimeout(timer);
}
