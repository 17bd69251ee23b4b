import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { FindOptionsWhere, In, Not, Raw, Repository } from 'typeorm';
import { TenantScopedRepository } from '../tenancy/tenant-scoped.repository';
import { AssetGroupEntity } from './asset-group.entity';
import { AssetEntity, AssetStatus } from './asset.entity';

export interface Page {
  number: number;
  size: number;
  sortBy: 'createdAt' | 'updatedAt';
  order: 'ASC' | 'DESC';
}

/** Case-insensitive substring match on both engines (SQLite LIKE and PostgreSQL LIKE differ on case). */
function nameContains(fragment: string) {
  const escaped = fragment.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  return Raw((alias) => `LOWER(${alias}) LIKE :fragment ESCAPE '\\'`, { fragment: `%${escaped}%` });
}

function paging(page: Page) {
  return { order: { [page.sortBy]: page.order, id: page.order }, skip: (page.number - 1) * page.size, take: page.size } as const;
}

@Injectable()
export class AssetGroupRepository extends TenantScopedRepository<AssetGroupEntity> {
  constructor(@InjectRepository(AssetGroupEntity) repo: Repository<AssetGroupEntity>) {
    super(repo);
  }

  async findOwned(tenantId: string, id: string): Promise<AssetGroupEntity | null> {
    return this.findOne(tenantId, { id });
  }

  async listOwned(tenantId: string, filter: { ids?: string[]; name?: string; groupType?: string }, page: Page): Promise<[AssetGroupEntity[], number]> {
    const where: FindOptionsWhere<AssetGroupEntity> = {};
    if (filter.ids) where.id = In(filter.ids);
    if (filter.name) where.name = nameContains(filter.name);
    if (filter.groupType) where.groupType = filter.groupType;
    return this.findAndCount(tenantId, where, paging(page) as never);
  }

  /** Reconciliation, across tenants: whether some tenant already owns this upstream group. */
  existsAcrossTenants(id: string): Promise<boolean> {
    return this.repo.exists({ where: { id } });
  }
}

const TERMINAL: AssetStatus[] = ['Active', 'Failed'];

@Injectable()
export class AssetRepository extends TenantScopedRepository<AssetEntity> {
  constructor(@InjectRepository(AssetEntity) repo: Repository<AssetEntity>) {
    super(repo);
  }

  async findOwned(tenantId: string, id: string): Promise<AssetEntity | null> {
    return this.findOne(tenantId, { id });
  }

  async listOwned(
    tenantId: string,
    filter: { groupIds?: string[]; statuses?: string[]; name?: string },
    page: Page,
  ): Promise<[AssetEntity[], number]> {
    const where: FindOptionsWhere<AssetEntity> = {};
    if (filter.groupIds) where.groupId = In(filter.groupIds);
    if (filter.statuses) where.status = In(filter.statuses as AssetStatus[]);
    if (filter.name) where.name = nameContains(filter.name);
    return this.findAndCount(tenantId, where, paging(page) as never);
  }

  /** Reconciliation, across tenants: whether some tenant already owns this upstream asset. */
  existsAcrossTenants(id: string): Promise<boolean> {
    return this.repo.exists({ where: { id } });
  }

  /** Records what upstream reported, unless the asset already reached Active or Failed. */
  async applyUpstreamState(tenantId: string, id: string, patch: Partial<AssetEntity>): Promise<void> {
    await this.update(tenantId, { id, status: Not(In(TERMINAL)) }, patch);
  }
}

export function isSettled(status: AssetStatus): boolean {
  return TERMINAL.includes(status);
}
