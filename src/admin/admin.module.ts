import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { BillingModule } from '../billing/billing.module';
import { CatalogModule } from '../catalog/catalog.module';
import { TasksModule } from '../tasks/tasks.module';
import { TenancyModule } from '../tenancy/tenancy.module';
import { AdminController } from './admin.controller';

@Module({ imports: [AuditModule, TenancyModule, CatalogModule, BillingModule, TasksModule], controllers: [AdminController] })
export class AdminModule {}
