/** Tenant-scoped access to the facade's `videos` table. */
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import type { TenantId } from '../common/tenant-identity/tenant-id';
import { assertTenantId, TenantScopedRepository } from '../database/tenant-scoped.repository';
import { VideoEntity } from './video.entity';

/** Videos of the facade, always read and written within one tenant. */
@Injectable()
export class VideoRepository extends TenantScopedRepository<VideoEntity> {
  constructor(@InjectRepository(VideoEntity) repo: Repository<VideoEntity>) {
    super(repo);
  }

  /** A video the tenant has not deleted. */
  findLive(tenantId: TenantId, id: string): Promise<VideoEntity | null> {
    return this.findOne(tenantId, { id, deletedAt: IsNull() });
  }

  /** The video of a task (deleted or not): what an idempotent replay of a create finds. */
  findByTask(tenantId: TenantId, taskId: string): Promise<VideoEntity | null> {
    return this.findOne(tenantId, { taskId });
  }

  /** The video reserved for the task record `recordId` (docs/contract.md §9: found even when its task id was never written). */
  findByRecord(tenantId: TenantId, recordId: string): Promise<VideoEntity | null> {
    return this.findOne(tenantId, { recordId });
  }

  /** Writes the upstream task id of a reserved video; false when it already had one. */
  async bindTask(tenantId: TenantId, id: string, taskId: string): Promise<boolean> {
    return (await this.update(tenantId, { id, taskId: IsNull() }, { taskId })) > 0;
  }

  /** Drops a reservation whose create was refused (no task was made for it). */
  async deleteReserved(tenantId: TenantId, id: string): Promise<void> {
    await this.write(() => this.repo.delete(this.scoped(tenantId, { id, taskId: IsNull() })));
  }

  /** Any video of the tenant, deleted ones too: a list cursor may name one. */
  findAny(tenantId: TenantId, id: string): Promise<VideoEntity | null> {
    return this.findOne(tenantId, { id });
  }

  /**
   * One page of the tenant's live videos in creation order (`desc`: newest first), strictly after the
   * cursor video's position; keyset pagination on (created_at, id).
   */
  async pageAfter(tenantId: TenantId, after: VideoEntity | null, order: 'asc' | 'desc', limit: number): Promise<VideoEntity[]> {
    assertTenantId(tenantId);
    const dir = order === 'asc' ? 'ASC' : 'DESC';
    const qb = this.repo
      .createQueryBuilder('v')
      .where('v.tenant_id = :tenantId', { tenantId })
      .andWhere('v.deleted_at IS NULL')
      .orderBy('v.created_at', dir)
      .addOrderBy('v.id', dir)
      .take(limit);
    if (after) {
      const cmp = order === 'asc' ? '>' : '<';
      qb.andWhere(`(v.created_at ${cmp} :ac OR (v.created_at = :ac AND v.id ${cmp} :aid))`, { ac: after.createdAt, aid: after.id });
    }
    return qb.getMany();
  }

  async markDeleted(tenantId: TenantId, id: string): Promise<void> {
    await this.update(tenantId, { id, deletedAt: IsNull() }, { deletedAt: Date.now() });
  }
}
