import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { claimLeased } from '../database/lease-claim';
import { TenantScopedRepository } from '../tenancy/tenant-scoped.repository';
import { AssetSubmissionEntity, AssetSubmissionKind, AssetSubmissionStatus } from './asset-submission.entity';

const OPEN: AssetSubmissionStatus[] = ['submitting', 'unknown'];

/** Asset-library creates of one tenant, from before the upstream call until they are attached or settled. */
@Injectable()
export class AssetSubmissionRepository extends TenantScopedRepository<AssetSubmissionEntity> {
  constructor(@InjectRepository(AssetSubmissionEntity) repo: Repository<AssetSubmissionEntity>) {
    super(repo);
  }

  findOwned(tenantId: string, id: string): Promise<AssetSubmissionEntity | null> {
    return this.findOne(tenantId, { id });
  }

  /** The call failed with an unknown outcome; `owner` (the request resolving it inline) holds it until `leaseUntil`. */
  async markUnknown(tenantId: string, id: string, reason: string, owner: string, leaseUntil: number): Promise<void> {
    await this.update(tenantId, { id, status: 'submitting' }, { status: 'unknown', reason: reason.slice(0, 300), updatedAt: Date.now(), leaseOwner: owner, leaseUntil });
  }

  /** Moves an open submission to a final status; false when another path settled it first. */
  async settle(tenantId: string, id: string, patch: { status: AssetSubmissionStatus; upstreamId?: string; reason?: string | null }): Promise<boolean> {
    const affected = await this.update(
      tenantId,
      { id, status: In(OPEN) },
      { status: patch.status, upstreamId: patch.upstreamId ?? null, reason: patch.reason?.slice(0, 300) ?? null, updatedAt: Date.now(), leaseOwner: null, leaseUntil: null },
    );
    return affected > 0;
  }

  /** A create upstream definitely refused leaves nothing behind. */
  async deleteRefused(tenantId: string, id: string): Promise<void> {
    await this.write(() => this.repo.delete(this.scoped(tenantId, { id, status: 'submitting' })));
  }

  /**
   * Reconciliation, across tenants: leases up to `limit` open submissions — `unknown` ones, and `submitting` ones
   * created before `staleBefore` (their instance died mid-call) — for `owner` until `leaseUntil`. A submission
   * leased by another live instance is never taken. Later reads and writes go through the tenant-scoped methods.
   */
  async claimOpenAcrossTenants(owner: string, now: number, leaseUntil: number, staleBefore: number, limit: number): Promise<AssetSubmissionEntity[]> {
    return claimLeased(this.repo, (work) => this.write(work), {
      owner,
      now,
      leaseUntil,
      limit,
      due: "(d.status = 'unknown' OR (d.status = 'submitting' AND d.created_at < :staleBefore))",
      params: { staleBefore },
      orderBy: 'd.created_at',
    });
  }

  async releaseLease(tenantId: string, id: string, owner: string): Promise<void> {
    await this.update(tenantId, { id, leaseOwner: owner }, { leaseOwner: null, leaseUntil: null });
  }

  /** Shutdown, across tenants: ends every lease `owner` holds. */
  async releaseLeasesOfOwnerAcrossTenants(owner: string): Promise<number> {
    const result = await this.write(() =>
      this.repo.createQueryBuilder().update(AssetSubmissionEntity).set({ leaseOwner: null, leaseUntil: null }).where('lease_owner = :owner', { owner }).execute(),
    );
    return result.affected ?? 0;
  }

  /**
   * Matching, across tenants: open submissions of `kind` created in [from, to] — the records an upstream object
   * could belong to. Only tenant ids and parameters are compared; nothing is shown to another tenant.
   */
  findOpenCreatedBetweenAcrossTenants(kind: AssetSubmissionKind, from: number, to: number): Promise<AssetSubmissionEntity[]> {
    return this.repo
      .createQueryBuilder('s')
      .where('s.kind = :kind', { kind })
      .andWhere("s.status IN ('submitting', 'unknown')")
      .andWhere('s.created_at BETWEEN :from AND :to', { from, to })
      .orderBy('s.created_at', 'ASC')
      .addOrderBy('s.id', 'ASC')
      .getMany();
  }

  /**
   * The reconciliation view, across tenants: submissions created since `since` whose outcome is `unknown` or was
   * left `unresolved`, and `submitting` ones created before `staleBefore` (their instance died mid-call), oldest first.
   */
  unresolvedAcrossTenants(since: number, staleBefore: number, limit: number): Promise<AssetSubmissionEntity[]> {
    return this.repo
      .createQueryBuilder('s')
      .where("(s.status IN ('unknown', 'unresolved') OR (s.status = 'submitting' AND s.created_at < :staleBefore))", { staleBefore })
      .andWhere('s.created_at >= :since', { since })
      .orderBy('s.created_at', 'ASC')
      .addOrderBy('s.id', 'ASC')
      .limit(limit)
      .getMany();
  }

  /** Whether an upstream id is already attached to some submission (any tenant). */
  async isAttachedAcrossTenants(upstreamId: string): Promise<boolean> {
    return this.repo.exists({ where: { upstreamId } });
  }
}
