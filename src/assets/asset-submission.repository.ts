import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import type { TenantId } from '../common/tenant-identity/tenant-id';
import { TenantScopedRepository } from '../database/tenant-scoped.repository';
import { AssetSubmissionEntity, AssetSubmissionStatus } from './asset-submission.entity';

const OPEN: AssetSubmissionStatus[] = ['submitting', 'unknown'];

/**
 * Asset-library creates of one tenant, from before the upstream call until they are attached or settled (reads and
 * leases across tenants: AssetCrossTenantReader).
 */
@Injectable()
export class AssetSubmissionRepository extends TenantScopedRepository<AssetSubmissionEntity> {
  constructor(@InjectRepository(AssetSubmissionEntity) repo: Repository<AssetSubmissionEntity>) {
    super(repo);
  }

  findOwned(tenantId: TenantId, id: string): Promise<AssetSubmissionEntity | null> {
    return this.findOne(tenantId, { id });
  }

  /** The call failed with an unknown outcome; `owner` (the request resolving it inline) holds it until `leaseUntil`. */
  async markUnknown(tenantId: TenantId, id: string, reason: string, owner: string, leaseUntil: number): Promise<void> {
    await this.update(
      tenantId,
      { id, status: 'submitting' },
      { status: 'unknown', reason: reason.slice(0, 300), updatedAt: Date.now(), leaseOwner: owner, leaseUntil },
    );
  }

  /** Moves an open submission to a final status; false when another path settled it first. */
  async settle(tenantId: TenantId, id: string, patch: { status: AssetSubmissionStatus; upstreamId?: string; reason?: string | null }): Promise<boolean> {
    const affected = await this.update(
      tenantId,
      { id, status: In(OPEN) },
      {
        status: patch.status,
        upstreamId: patch.upstreamId ?? null,
        reason: patch.reason?.slice(0, 300) ?? null,
        updatedAt: Date.now(),
        leaseOwner: null,
        leaseUntil: null,
      },
    );
    return affected > 0;
  }

  /** A create upstream definitely refused leaves nothing behind. */
  async deleteRefused(tenantId: TenantId, id: string): Promise<void> {
    await this.write(() => this.repo.delete(this.scoped(tenantId, { id, status: 'submitting' })));
  }

  async releaseLease(tenantId: TenantId, id: string, owner: string): Promise<void> {
    await this.update(tenantId, { id, leaseOwner: owner }, { leaseOwner: null, leaseUntil: null });
  }
}
