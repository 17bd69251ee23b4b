import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import type { TenantId } from '../common/tenant-identity/tenant-id';
import { ScopedWhere, TenantScopedRepository } from '../database/tenant-scoped.repository';
import { AssetGroupEntity } from './asset-group.entity';
import { nameContains, Page, paging } from './asset-listing';

/** Asset groups of one tenant (reads across tenants: AssetCrossTenantReader). */
@Injectable()
export class AssetGroupRepository extends TenantScopedRepository<AssetGroupEntity> {
  constructor(@InjectRepository(AssetGroupEntity) repo: Repository<AssetGroupEntity>) {
    super(repo);
  }

  async findOwned(tenantId: TenantId, id: string): Promise<AssetGroupEntity | null> {
    return this.findOne(tenantId, { id });
  }

  async listOwned(tenantId: TenantId, filter: { ids?: string[]; name?: string; groupType?: string }, page: Page): Promise<[AssetGroupEntity[], number]> {
    const where: ScopedWhere<AssetGroupEntity> = {};
    if (filter.ids) where.id = In(filter.ids);
    if (filter.name) where.name = nameContains(filter.name);
    if (filter.groupType) where.groupType = filter.groupType;
    return this.findAndCount(tenantId, where, paging(page));
  }
}
