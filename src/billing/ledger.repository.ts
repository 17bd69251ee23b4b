import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { TenantId } from '../common/tenant-identity/tenant-id';
import { assertTenantId, TenantScopedRepository } from '../database/tenant-scoped.repository';
import { LedgerEntryEntity } from './ledger-entry.entity';

/** The ledger of one tenant (reads across tenants: LedgerCrossTenantReader). */
@Injectable()
export class LedgerRepository extends TenantScopedRepository<LedgerEntryEntity> {
  constructor(@InjectRepository(LedgerEntryEntity) repo: Repository<LedgerEntryEntity>) {
    super(repo);
  }

  /** Everything charged to the tenant so far, in nano-USD. */
  async spentNano(tenantId: TenantId): Promise<bigint> {
    assertTenantId(tenantId);
    const row = await this.repo
      .createQueryBuilder('l')
      .select('CAST(COALESCE(SUM(l.amount_nano), 0) AS TEXT)', 'total')
      .where('l.tenant_id = :tenantId', { tenantId })
      .getRawOne<{ total: string }>();
    return BigInt(row?.total ?? '0');
  }
}
