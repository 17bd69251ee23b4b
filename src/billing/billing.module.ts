import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { BillingController } from './billing.controller';
import { BillingService } from './billing.service';
import { LedgerEntryEntity } from './ledger-entry.entity';
import { PriceEntity } from './price.entity';

@Module({
  imports: [TypeOrmModule.forFeature([PriceEntity, LedgerEntryEntity]), AuditModule],
  controllers: [BillingController],
  providers: [BillingService],
  exports: [BillingService],
})
export class BillingModule {}
