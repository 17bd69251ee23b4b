import { Module } from '@nestjs/common';
import { BillingModule } from '../billing/billing.module';
import { TasksModule } from '../tasks/tasks.module';
import { TenancyModule } from '../tenancy/tenancy.module';
import { AuditModule } from './audit.module';
import { AuditController } from './audit.controller';
import { ExportWorkers } from './export-workers';
import { TaskExportService } from './task-export.service';

/** The auditor's read side: events, chain verification and task exports (reads through the owning modules' services). */
@Module({
  imports: [AuditModule, TasksModule, BillingModule, TenancyModule],
  controllers: [AuditController],
  providers: [TaskExportService, ExportWorkers],
})
export class AuditExportModule {}
