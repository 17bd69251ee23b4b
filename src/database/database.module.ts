import { Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { UnitOfWork } from './unit-of-work';

/**
 * The unit of work every module uses for transactions (one per DataSource). Global on purpose, like the TypeORM
 * DataSource it wraps: it carries no rows of its own, so it hides no dependency between modules.
 */
@Global()
@Module({
  providers: [{ provide: UnitOfWork, inject: [DataSource], useFactory: (ds: DataSource) => UnitOfWork.for(ds) }],
  exports: [UnitOfWork],
})
export class DatabaseModule {}
