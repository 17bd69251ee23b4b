import { Test, TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { ModuleMetadata } from '@nestjs/common';
import { loadConfig } from '../../src/config/app-config';
import { ConfigModule } from '../../src/config/config.module';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { DatabaseModule } from '../../src/database/database.module';
import { AuditModule } from '../../src/audit/audit.module';
import { CommonModule } from '../../src/common/common.module';
import { createTestDatabase } from './test-database';

/** A Nest testing module on a private migrated database, for medium tests of services. */
export async function mediumModule(imports: ModuleMetadata['imports'], env: Record<string, string> = {}) {
  const db = await createTestDatabase();
  const config = { ...loadConfig({ ARKGATE_UPSTREAM: 'sandbox', ...env }), database: db.config };
  const moduleRef: TestingModule = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(config), TypeOrmModule.forRoot({ ...dataSourceOptions(db.config), migrationsRun: true }), DatabaseModule, AuditModule, CommonModule, ...(imports ?? [])],
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
