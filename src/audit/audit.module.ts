import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { REFUSAL_LISTENER } from '../common/errors/refusal-listener';
import { AuditChainEntity } from './audit-chain.entity';
import { AuditEventEntity } from './audit-event.entity';
import { AuditEventRepository } from './audit-event.repository';
import { AuditService } from './audit.service';
import { RateLimitTally } from './rate-limit-tally';
import { RefusalAuditInterceptor } from './refusal-audit.interceptor';

/**
 * The audit trail's write side. Not global: each module that writes audit events imports it, so the module graph
 * shows who writes audit rows. Refusals are audited here too: RefusalAuditInterceptor is the global interceptor and
 * the error filter's refusal listener (exported for the application module, which registers the filter).
 */
@Module({
  imports: [TypeOrmModule.forFeature([AuditEventEntity, AuditChainEntity])],
  providers: [AuditService, AuditEventRepository, RateLimitTally, RefusalAuditInterceptor, { provide: REFUSAL_LISTENER, useExisting: RefusalAuditInterceptor }],
  exports: [AuditService, RateLimitTally, REFUSAL_LISTENER],
})
export class AuditModule {}
