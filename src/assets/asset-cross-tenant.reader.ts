import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { claimLeased } from '../database/lease-claim';
import { CrossTenantReader } from '../database/cross-tenant.reader';
import { AssetGroupEntity } from './asset-group.entity';
import { AssetSubmissionEntity, AssetSubmissionKind } from './asset-submission.entity';
import { AssetEntity } from './asset.entity';

/**
 * Every read of the asset library over more than one tenant: the reconciler leasing open submissions and matching
 * upstream objects against every tenant's open creates, and the operator's view. Only ids, tenant ids and request
 * parameters are compared; nothing read here is shown to another tenant, and rows are changed afterwards only
 * through the tenant-scoped repositories, with the tenant id each row carries.
 */
@Injectable()
export class AssetCrossTenantReader extends CrossTenantReader<AssetSubmissionEntity> {
  constructor(
    @InjectRepository(AssetSubmissionEntity) submissions: Repository<AssetSubmissionEntity>,
    @InjectRepository(AssetGroupEntity) private readonly groups: Repository<AssetGroupEntity>,
    @InjectRepository(AssetEntity) private readonly assets: Repository<AssetEntity>,
  ) {
    super(submissions);
  }

  /**
   * Reconciliation: leases up to `limit` open submissions — `unknown` ones, and `submitting` ones created before
   * `staleBefore` (their instance died mid-call) — for `owner` until `leaseUntil`. A submission leased by another
   * live instance is never taken.
   */
  async claimOpenSubmissions(owner: string, now: number, leaseUntil: number, staleBefore: number, limit: number): Promise<AssetSubmissionEntity[]> {
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

  /** Shutdown: ends every submission lease `owner` holds. */
  async releaseSubmissionLeases(owner: string): Promise<number> {
    const result = await this.write(() =>
      this.repo
        .createQueryBuilder()
        .update(AssetSubmissionEntity)
        .set({ leaseOwner: null, leaseUntil: null })
        .where('lease_owner = :owner', { owner })
        .execute(),
    );
    return result.affected ?? 0;
  }

  /** Matching: open submissions of `kind` created in [from, to] — the records an upstream object could belong to. */
  openSubmissionsCreatedBetween(kind: AssetSubmissionKind, from: number, to: number): Promise<AssetSubmissionEntity[]> {
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
   * The reconciliation view: submissions created since `since` whose outcome is `unknown` or was left `unresolved`,
   * and `submitting` ones created before `staleBefore` (their instance died mid-call), oldest first.
   */
  unresolvedSubmissions(since: number, staleBefore: number, limit: number): Promise<AssetSubmissionEntity[]> {
    return this.repo
      .createQueryBuilder('s')
      .where("(s.status IN ('unknown', 'unresolved') OR (s.status = 'submitting' AND s.created_at < :staleBefore))", { staleBefore })
      .andWhere('s.created_at >= :since', { since })
      .orderBy('s.created_at', 'ASC')
      .addOrderBy('s.id', 'ASC')
      .limit(limit)
      .getMany();
  }

  /** Whether an upstream id is already attached to some submission, or owned as a group or asset, of any tenant. */
  async isOwned(kind: AssetSubmissionKind, upstreamId: string): Promise<boolean> {
    if (await this.repo.exists({ where: { upstreamId } })) return true;
    return kind === 'group' ? this.groups.exists({ where: { id: upstreamId } }) : this.assets.exists({ where: { id: upstreamId } });
  }
}
