import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config';
import { ApiTokenEntity } from '../tenancy/api-token.entity';
import { TenantEntity } from '../tenancy/tenant.entity';
import { ModelMappingEntity } from '../catalog/model-mapping.entity';
import { TaskEntity } from '../tasks/task.entity';
import { AssetGroupEntity } from '../assets/asset-group.entity';
import { AssetEntity } from '../assets/asset.entity';
import { AssetSubmissionEntity } from '../assets/asset-submission.entity';
import { LedgerEntryEntity } from '../billing/ledger-entry.entity';
import { PriceEntity } from '../billing/price.entity';
import { IdempotencyKeyEntity } from '../tasks/idempotency-key.entity';
import { AuditChainEntity } from '../audit/audit-chain.entity';
import { AuditEventEntity } from '../audit/audit-event.entity';
import { VideoEntity } from '../videos/video.entity';
import { CreateTenancyCatalogTasks1763700000000 } from './migrations/1763700000000-create-tenancy-catalog-tasks';
import { CreateAssetLibrary1763800000000 } from './migrations/1763800000000-create-asset-library';
import { BillingSyncIdempotency1763900000000 } from './migrations/1763900000000-billing-sync-idempotency';
import { CreateAuditTrail1764000000000 } from './migrations/1764000000000-create-audit-trail';
import { IndexTasksForListing1764100000000 } from './migrations/1764100000000-index-tasks-for-listing';
import { IndexTasksForExport1764200000000 } from './migrations/1764200000000-index-tasks-for-export';
import { TaskReconciliation1764300000000 } from './migrations/1764300000000-task-reconciliation';
import { CreateAssetSubmissions1764400000000 } from './migrations/1764400000000-create-asset-submissions';
import { AuditHashKindAndKeyMark1764500000000 } from './migrations/1764500000000-audit-hash-kind-and-key-mark';
import { CreateVideos1764700000000 } from './migrations/1764700000000-create-videos';
import { IndexTasksForAdminLog1764800000000 } from './migrations/1764800000000-index-tasks-for-admin-log';
import { VideosReservedBeforeCreate1764900000000 } from './migrations/1764900000000-videos-reserved-before-create';
import { CountVisibleTasks1765000000000 } from './migrations/1765000000000-count-visible-tasks';
import { ResolutionAsUpstreamReported1765100000000 } from './migrations/1765100000000-resolution-as-upstream-reported';
import { IndexLedgerInTaskOrder1765200000000 } from './migrations/1765200000000-index-ledger-in-task-order';
import { CountTaskChangesPerStatement1765300000000 } from './migrations/1765300000000-count-task-changes-per-statement';
import { FewerIndexWritesPerTaskUpdate1765400000000 } from './migrations/1765400000000-fewer-index-writes-per-task-update';
import { IndexOnlyFlaggedRecords1765500000000 } from './migrations/1765500000000-index-only-flagged-records';

/** Every entity, listed explicitly. */
export const ENTITIES = [
  TenantEntity,
  ApiTokenEntity,
  ModelMappingEntity,
  TaskEntity,
  AssetGroupEntity,
  AssetEntity,
  AssetSubmissionEntity,
  PriceEntity,
  LedgerEntryEntity,
  IdempotencyKeyEntity,
  AuditEventEntity,
  AuditChainEntity,
  VideoEntity,
];

/** Every migration, in order. */
export const MIGRATIONS = [
  CreateTenancyCatalogTasks1763700000000,
  CreateAssetLibrary1763800000000,
  BillingSyncIdempotency1763900000000,
  CreateAuditTrail1764000000000,
  IndexTasksForListing1764100000000,
  IndexTasksForExport1764200000000,
  TaskReconciliation1764300000000,
  CreateAssetSubmissions1764400000000,
  AuditHashKindAndKeyMark1764500000000,
  CreateVideos1764700000000,
  IndexTasksForAdminLog1764800000000,
  VideosReservedBeforeCreate1764900000000,
  CountVisibleTasks1765000000000,
  ResolutionAsUpstreamReported1765100000000,
  IndexLedgerInTaskOrder1765200000000,
  CountTaskChangesPerStatement1765300000000,
  FewerIndexWritesPerTaskUpdate1765400000000,
  IndexOnlyFlaggedRecords1765500000000,
];

/** The one description of the database, shared by the app, the migration CLI and the tests. */
export function dataSourceOptions(db: DatabaseConfig): DataSourceOptions {
  const common = { entities: ENTITIES, migrations: MIGRATIONS, synchronize: false, migrationsRun: false, logging: false } as const;
  if (db.type === 'sqlite') {
    if (db.path !== ':memory:') mkdirSync(dirname(db.path), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database: db.path,
      enableWAL: db.path !== ':memory:',
      prepareDatabase: (sqlite: { pragma(s: string): unknown }) => {
        sqlite.pragma('busy_timeout = 5000');
        sqlite.pragma('foreign_keys = ON');
        // Every COMMIT outside the unit of work syncs; the unit of work's own commits are synced in groups (UnitOfWork).
        sqlite.pragma('synchronous = FULL');
      },
    };
  }
  // With a schema, raw SQL resolves there too (not only entity queries).
  const options = db.schema ? `-c search_path="${db.schema}"` : undefined;
  // Fail fast when the server is gone (docs/contract.md §9: 503 within seconds, not the driver's default waits): a connection
  // must be had within 3 s, a query answer within 15 s, and dead peers are noticed by TCP keep-alive.
  const pool = { max: 10, connectionTimeoutMillis: 3000, query_timeout: 15000, keepAlive: true };
  return { ...common, type: 'postgres', url: db.url, schema: db.schema, extra: { ...pool, ...(options ? { options } : {}) } };
}
