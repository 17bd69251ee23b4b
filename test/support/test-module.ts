import { Test, TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Global, Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { Clock } from '../../src/common/clock';
import { loadConfig } from '../../src/config/app-config';
import { ConfigModule } from '../../src/config/config.module';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { DatabaseModule } from '../../src/database/database.module';
import { AuditModule } from '../../src/audit/audit.module';
import { CommonModule } from '../../src/common/common.module';
import { createTestDatabase } from './test-database';

/** Makes `clock` the Clock every service of the testing module is given (services without one use the system time). */
@Global()
@Module({})
class TestClockModule {
  static with(clock: Clock): DynamicModule {
    return { module: TestClockModule, providers: [{ provide: Clock, useValue: clock }], exports: [Clock] };
  }
}

/**
 * A Nest testing module on a private migrated database, for medium tests of services. Pass a `ManualClock` as
 * `opts.clock` to move time instead of sleeping.
 */
export async function mediumModule(imports: ModuleMetadata['imports'], env: Record<string, string> = {}, opts: { clock?: Clock } = {}) {
  const db = await createTestDatabase();
  const config = { ...loadConfig({ ARKGATE_UPSTREAM: 'sandbox', ...env }), database: db.config };
  const moduleRef: TestingModule = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(config),
      TypeOrmModule.forRoot({ ...dataSourceOptions(db.config), migrationsRun: true }),
      DatabaseModule,
      AuditModule,
      CommonModule,
      ...(opts.clock ? [TestClockModule.with(opts.clock)] : []),
      ...(imports ?? []),
    ],
  }).compile();
  await moduleRef.init();
  return {
    moduleRef,
    config,
    close: async () => {
      await moduleRef.close();
      await db.drop();
    },
  };
}
