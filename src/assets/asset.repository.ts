import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Not, Repository } from 'typeorm';
import type { TenantId } from '../common/tenant-identity/tenant-id';
import { ScopedWhere, TenantScopedRepository } from '../database/tenant-scoped.repository';
import { AssetEntity, AssetStatus } from './asset.entity';
import { nameContains, Page, paging } from './asset-listing';

const TERMINAL: AssetStatus[] = ['Active', 'Failed'];

/** Assets of one tenant (reads across tenants: AssetCrossTenantReader). */
@Injectable()
export class AssetRepository extends TenantScopedRepository<AssetEntity> {
  constructor(@InjectRepository(AssetEntity) repo: Repository<AssetEntity>) {
    super(repo);
  }

  async findOwned(tenantId: TenantId, id: string): Promise<AssetEntity | null> {
    return this.findOne(tenantId, { id });
  }

  async listOwned(tenantId: TenantId, filter: { groupIds?: string[]; statuses?: string[]; name?: string }, page: Page): Promise<[AssetEntity[], number]> {
    const where: ScopedWhere<AssetEntity> = {};
    if (filter.groupIds) where.groupId = In(filter.groupIds);
    if (filter.statuses) where.status = In(filter.statuses as AssetStatus[]);
    if (filter.name) where.name = nameContains(filter.name);
    return this.findAndCount(tenantId, where, paging(page));
  }

  /** Records what upstream reported, unless the asset already reached Active or Failed. */
  async applyUpstreamState(tenantId: TenantId, id: string, patch: Partial<AssetEntity>): Promise<void> {
    await this.update(tenantId, { id, status: Not(In(TERMINAL)) }, patch);
  }
}

export function isSettled(status: AssetStatus): boolean {
  return TERMINAL.includes(status);
}
