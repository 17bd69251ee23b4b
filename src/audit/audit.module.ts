import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditChainEntity } from './audit-chain.entity';
import { AuditEventEntity } from './audit-event.entity';
import { AuditService } from './audit.service';
import { RateLimitTally } from './rate-limit-tally';

/** Recording is needed by every module that changes state, so the service is global. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AuditEventEntity, AuditChainEntity])],
  providers: [AuditService, RateLimitTally],
  exports: [AuditService, RateLimitTally],
})
export class AuditModule {}
