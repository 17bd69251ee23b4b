import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { WalFlush } from './wal-flush';

/** The part of better-sqlite3's Database the unit of work uses. */
interface SqliteConnection {
  pragma(source: string): unknown;
}

/**
 * Runs work that must commit together (a task's status change and its ledger entry, a change and its
 * audit event) in one transaction.
 *
 * PostgreSQL: a plain transaction per call, from the pool. SQLite: TypeORM shares one connection, so
 * two transactions in flight would collide and a write from elsewhere could slip into someone else's
 * transaction; there, every transaction and every write made through `exclusive` runs one at a time.
 *
 * On a SQLite file (WAL), the work of `exclusive` commits with `synchronous = NORMAL` and its promise resolves once
 * a group fsync of the WAL has made the commit durable (see WalFlush): the fsync runs off the event loop and is
 * shared by every commit made before it, while the next transaction already runs. Anything written outside the unit
 * of work keeps the connection's `synchronous = FULL` (its COMMIT syncs on the spot).
 */
@Injectable()
export class UnitOfWork {
  private static readonly byDataSource = new WeakMap<DataSource, UnitOfWork>();
  private tail: Promise<unknown> = Promise.resolve();
  private readonly serial: boolean;
  /** SQLite file in WAL mode only: the group fsync of its WAL. */
  private readonly wal: WalFlush | null;
  /** The SQLite file in WAL mode this unit of work writes, if it is one. */
  readonly walDatabase: string | null;

  /** The one UnitOfWork of a DataSource (repositories and services must share its queue). */
  static for(ds: DataSource): UnitOfWork {
    let uow = UnitOfWork.byDataSource.get(ds);
    if (!uow) {
      uow = new UnitOfWork(ds);
      UnitOfWork.byDataSource.set(ds, uow);
    }
    return uow;
  }

  private constructor(private readonly ds: DataSource) {
    this.serial = ds.options.type === 'better-sqlite3' || ds.options.type === 'sqlite';
    const { type, database, enableWAL } = ds.options as { type: string; database?: unknown; enableWAL?: boolean };
    const file = type === 'better-sqlite3' && enableWAL === true && typeof database === 'string' && database !== ':memory:' && database !== '';
    this.wal = file ? WalFlush.forDatabase(database) : null;
    this.walDatabase = file ? database : null;
  }

  /** SQLite: the one connection every statement of the app runs on. */
  sqliteConnection(): SqliteConnection {
    return (this.ds.driver as unknown as { databaseConnection: SqliteConnection }).databaseConnection;
  }

  /** Runs a single write: serialised with transactions on SQLite unless `manager` is already transactional. */
  write<T>(manager: EntityManager, work: () => Promise<T>): Promise<T> {
    return manager.queryRunner?.isTransactionActive ? work() : this.exclusive(work);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.exclusive(() => this.ds.transaction(work));
  }

  /** Serialises `work` with every transaction on SQLite; runs it directly on PostgreSQL. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (!this.serial) return work();
    const wal = this.wal;
    const step = wal ? () => this.unsynced(work) : work;
    const run = this.tail.then(step, step);
    this.tail = run.catch(() => undefined);
    if (!wal) return run;
    // The queue moves on at once; this caller waits until its commit is on disk.
    return run.then(async (result) => {
      await wal.flush();
      return result;
    });
  }

  /** Runs `work` with commits that write the WAL without syncing it (the caller syncs after), then restores FULL. */
  private async unsynced<T>(work: () => Promise<T>): Promise<T> {
    const sqlite = this.sqliteConnection();
    sqlite.pragma('synchronous = NORMAL');
    try {
      return await work();
    } finally {
      sqlite.pragma('synchronous = FULL');
    }
  }

  get engine(): 'sqlite' | 'postgres' {
    return this.serial ? 'sqlite' : 'postgres';
  }
}
