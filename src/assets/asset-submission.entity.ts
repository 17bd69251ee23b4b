import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../database/columns';
import type { TenantId } from '../common/tenant-identity/tenant-id';

export type AssetSubmissionKind = 'group' | 'asset';
/**
 * `submitting`: recorded, upstream being called. `unknown`: the call failed without saying whether upstream created
 * the object. `attached`: the object is the tenant's (`upstream_id`). `rejected`: upstream did not create it (a later
 * listing proved it). `unresolved`: still unknown at the deadline — left for the operator.
 */
export type AssetSubmissionStatus = 'submitting' | 'unknown' | 'attached' | 'rejected' | 'unresolved';

/**
 * One CreateAssetGroup / CreateAsset of a tenant, recorded before upstream is called (docs/contract.md §9, applied to the
 * asset library): a create whose answer is lost is reconciled against upstream listings instead of orphaned.
 * Tenants never see a submission; they see the group or asset once it is attached.
 */
@Entity({ name: 'asset_submissions' })
@Index('idx_asset_submissions_tenant_created', ['tenantId', 'createdAt'])
@Index('idx_asset_submissions_status_created', ['status', 'createdAt'])
export class AssetSubmissionEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 36 })
  tenantId: TenantId;

  @Column({ type: 'varchar', length: 16 })
  kind: AssetSubmissionKind;

  @Column({ type: 'varchar', length: 16 })
  status: AssetSubmissionStatus;

  /** The body sent upstream (ProjectName included), exactly. */
  @Column({ name: 'upstream_request', type: 'simple-json' })
  upstreamRequest: Record<string, unknown>;

  /** Stable model name from the create request, when one was sent. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  model: string | null;

  @Column({ name: 'upstream_id', type: 'varchar', length: 64, nullable: true })
  upstreamId: string | null;

  /** Why it is unknown, rejected or unresolved. */
  @Column({ type: 'varchar', length: 300, nullable: true })
  reason: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 128 })
  requestId: string;

  @Column({ name: 'lease_owner', type: 'varchar', length: 64, nullable: true })
  leaseOwner: string | null;

  @Column({ name: 'lease_until', type: 'bigint', nullable: true, transformer: epochMs })
  leaseUntil: number | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt: number;
}
