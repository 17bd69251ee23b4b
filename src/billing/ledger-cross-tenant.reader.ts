import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { CrossTenantReader } from '../database/cross-tenant.reader';
import type { TenantScope } from '../common/tenant-identity/tenant-scope';
import { LedgerEntryEntity } from './ledger-entry.entity';

export type UsageGroupBy = 'day' | 'model' | 'sku' | 'tenant';

/** One group of a usage report as the database sums it (amounts and tokens as decimal text). */
export interface UsageGroup {
  k: string | number;
  tasks: string | number;
  tokens: string;
  amount: string;
}

/**
 * Reads of the ledger that may span tenants, each taking an explicit scope: the charges shown beside task records
 * in the admin task log and the auditor export, and usage reports (a tenant's own, or staff's over one or all).
 */
@Injectable()
export class LedgerCrossTenantReader extends CrossTenantReader<LedgerEntryEntity> {
  constructor(@InjectRepository(LedgerEntryEntity) repo: Repository<LedgerEntryEntity>) {
    super(repo);
  }

  /** The ledger entries of these tasks (by tasks.id) within the scope. */
  async entriesForTasks(scope: TenantScope, taskRefs: string[]): Promise<LedgerEntryEntity[]> {
    if (taskRefs.length === 0) return [];
    return this.inScope(this.repo.createQueryBuilder('l'), 'l', scope).andWhere('l.task_ref IN (:...taskRefs)', { taskRefs }).getMany();
  }

  /** Charges of the scope made in [from, to), summed per day, model, SKU or tenant, in key order. */
  usage(scope: TenantScope, from: number, to: number, groupBy: UsageGroupBy): Promise<UsageGroup[]> {
    const key = groupBy === 'day' ? '(l.created_at / 86400000)' : groupBy === 'model' ? 'l.model' : groupBy === 'tenant' ? 'l.tenant_id' : 'l.sku';
    const qb = this.repo
      .createQueryBuilder('l')
      .select(`${key}`, 'k')
      .addSelect('COUNT(*)', 'tasks')
      .addSelect('CAST(SUM(l.tokens) AS TEXT)', 'tokens')
      .addSelect('CAST(SUM(l.amount_nano) AS TEXT)', 'amount')
      .where('l.created_at >= :from AND l.created_at < :to', { from, to })
      .groupBy(key)
      .orderBy(key, 'ASC');
    return this.inScope(qb, 'l', scope).getRawMany<UsageGroup>();
  }
}
