import { Global, Injectable, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { UnitOfWork } from './unit-of-work';
import { WalCheckpointer } from './wal-checkpointer';

/** On a SQLite file in WAL mode, checkpoints its WAL on a worker thread while the app runs (WalCheckpointer). */
@Injectable()
export class WalCheckpoints implements OnApplicationBootstrap, OnModuleDestroy {
  private checkpointer: WalCheckpointer | null = null;

  constructor(private readonly uow: UnitOfWork) {}

  onApplicationBootstrap(): void {
    const database = this.uow.walDatabase;
    if (database && !this.checkpointer) this.checkpointer = WalCheckpointer.start(database, this.uow.sqliteConnection());
  }

  /** The running checkpointer, if any (for tests). */
  get running(): WalCheckpointer | null {
    return this.checkpointer;
  }

  async onModuleDestroy(): Promise<void> {
    const checkpointer = this.checkpointer;
    this.checkpointer = null;
    await checkpointer?.stop();
  }
}

/**
 * The unit of work every module uses for transactions (one per DataSource). Global on purpose, like the TypeORM
 * DataSource it wraps: it carries no rows of its own, so it hides no dependency between modules.
 */
@Global()
@Module({
  providers: [{ provide: UnitOfWork, inject: [DataSource], useFactory: (ds: DataSource) => UnitOfWork.for(ds) }, WalCheckpoints],
  exports: [UnitOfWork, WalCheckpoints],
})
export class DatabaseModule {}
