import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { TenantId } from '../common/tenant-identity/tenant-id';
import { TenantScopedRepository } from '../database/tenant-scoped.repository';
import { LedgerEntryEntity } from './ledger-entry.entity';

/** The ledger of one tenant (reads across tenants: LedgerCrossTenantReader). */
@Injectable()
export class LedgerRepository extends TenantScopedRepository<LedgerEntryEntity> {
  constructor(@InjectRepository(LedgerEntryEntity) repo: Repository<LedgerEntryEntity>) {
    super(repo);
  }

  /** Everything charged to the tenant so far, in nano-USD. */
  spentNano(tenantId: TenantId): Promise<bigint> {
    return this.sumOf(tenantId, 'amount_nano');
  }
}
