import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../database/columns';
import type { TenantId } from '../common/tenant-identity/tenant-id';

/** An asset group, keyed by its upstream id (`group-…`) and owned by one tenant. */
@Entity({ name: 'asset_groups' })
@Index('idx_asset_groups_tenant_created', ['tenantId', 'createdAt'])
export class AssetGroupEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 36 })
  tenantId: TenantId;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  @Column({ type: 'varchar', length: 300, nullable: true })
  description: string | null;

  @Column({ name: 'group_type', type: 'varchar', length: 16 })
  groupType: string;

  /** Stable model name from the create request, when one was sent. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  model: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 128 })
  requestId: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt: number;
}
