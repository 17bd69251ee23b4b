import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { BillingController } from './billing.controller';
import { BillingService } from './billing.service';
import { LedgerCrossTenantReader } from './ledger-cross-tenant.reader';
import { LedgerEntryEntity } from './ledger-entry.entity';
import { LedgerRepository } from './ledger.repository';
import { PriceEntity } from './price.entity';

@Module({
  imports: [TypeOrmModule.forFeature([PriceEntity, LedgerEntryEntity]), AuditModule],
  controllers: [BillingController],
  providers: [BillingService, LedgerRepository, LedgerCrossTenantReader],
  exports: [BillingService],
})
export class BillingModule {}
