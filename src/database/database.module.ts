import { Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { UnitOfWork } from './unit-of-work';

/** The unit of work every module uses for transactions (one per DataSource). */
@Global()
@Module({
  providers: [{ provide: UnitOfWork, inject: [DataSource], useFactory: (ds: DataSource) => UnitOfWork.for(ds) }],
  exports: [UnitOfWork],
})
export class DatabaseModule {}
