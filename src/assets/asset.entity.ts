import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../database/columns';
import type { TenantId } from '../common/tenant-identity/tenant-id';

export type AssetType = 'Image' | 'Video' | 'Audio';
export type AssetStatus = 'Pending' | 'Processing' | 'Active' | 'Failed';

/** An asset, keyed by its upstream id (`asset-…`) and owned by one tenant. */
@Entity({ name: 'assets' })
@Index('idx_assets_tenant_group', ['tenantId', 'groupId'])
@Index('idx_assets_tenant_created', ['tenantId', 'createdAt'])
export class AssetEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 36 })
  tenantId: TenantId;

  @Column({ name: 'group_id', type: 'varchar', length: 64 })
  groupId: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  name: string | null;

  @Column({ name: 'asset_type', type: 'varchar', length: 16 })
  assetType: AssetType;

  /** The URL the tenant gave. */
  @Column({ name: 'source_url', type: 'text' })
  sourceUrl: string;

  /** The URL upstream serves the processed asset from, once it has one. */
  @Column({ name: 'upstream_url', type: 'text', nullable: true })
  upstreamUrl: string | null;

  @Column({ type: 'varchar', length: 16 })
  status: AssetStatus;

  @Column({ name: 'error_code', type: 'varchar', length: 128, nullable: true })
  errorCode: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  model: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 128 })
  requestId: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt: number;
}
