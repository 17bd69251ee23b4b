import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { CommonModule } from '../common/common.module';
import { UpstreamModule } from '../upstream/upstream.module';
import { BillingModule } from '../billing/billing.module';
import { CatalogModule } from '../catalog/catalog.module';
import { TenancyModule } from '../tenancy/tenancy.module';
import { IdempotencyKeyEntity } from './idempotency-key.entity';
import { IdempotencyKeyRepository } from './idempotency-key.repository';
import { TaskPollerService } from './task-poller.service';
import { AssetsModule } from '../assets/assets.module';
import { AssetsService } from '../assets/assets.service';
import { ASSET_REFERENCES } from './asset-references';
import { TaskEntity } from './task.entity';
import { TaskLogService } from './task-log.service';
import { TaskMetrics } from './task-metrics.service';
import { TaskCrossTenantReader } from './task-cross-tenant.reader';
import { TaskRepository } from './task.repository';
import { TaskSyncService } from './task-sync.service';
import { TasksController } from './tasks.controller';
import { TasksService } from './tasks.service';
import { FinishedTaskCache } from './finished-task-cache';
import { TaskCreation } from './task-creation.service';
import { CreateTaskPipe } from './create-task.pipe';
import { TaskSubmission } from './task-submission.service';
import { IdempotentCreate } from './idempotent-create.service';
import { Reconciler } from './reconciler.service';
import { ReconciliationController } from './reconciliation.controller';
import { ReconciliationReport } from './reconciliation-report.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([TaskEntity, IdempotencyKeyEntity]),
    AuditModule,
    CommonModule,
    UpstreamModule,
    CatalogModule,
    AssetsModule,
    BillingModule,
    TenancyModule,
  ],
  controllers: [TasksController, ReconciliationController],
  providers: [
    TasksService,
    { provide: FinishedTaskCache, useFactory: () => new FinishedTaskCache() },
    TaskCreation,
    CreateTaskPipe,
    TaskSubmission,
    IdempotentCreate,
    Reconciler,
    ReconciliationReport,
    TaskSyncService,
    TaskPollerService,
    TaskRepository,
    TaskCrossTenantReader,
    IdempotencyKeyRepository,
    TaskLogService,
    TaskMetrics,
    { provide: ASSET_REFERENCES, useExisting: AssetsService },
  ],
  exports: [TasksService, TaskCreation, CreateTaskPipe, TaskSyncService, TaskPollerService, Reconciler, TaskLogService],
})
export class TasksModule {}
