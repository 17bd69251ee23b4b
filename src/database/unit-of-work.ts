import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/**
 * Runs work that must commit together (a task's status change and its ledger entry, a change and its
 * audit event) in one transaction.
 *
 * PostgreSQL: a plain transaction per call, from the pool. SQLite: TypeORM shares one connection, so
 * two transactions in flight would collide and a write from elsewhere could slip into someone else's
 * transaction; there, every transaction and every write made through `exclusive` runs one at a time.
 */
@Injectable()
export class UnitOfWork {
  private static readonly byDataSource = new WeakMap<DataSource, UnitOfWork>();
  private tail: Promise<unknown> = Promise.resolve();
  private readonly serial: boolean;

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
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  get engine(): 'sqlite' | 'postgres' {
    return this.serial ? 'sqlite' : 'postgres';
  }
}
