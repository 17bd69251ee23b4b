import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Entitlements, MediaPolicy, TenantStatus } from '../common/tenant-identity/tenant-context';
import { bigintString, epochMs } from '../database/columns';

@Entity({ name: 'tenants' })
export class TenantEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  status: TenantStatus;

  @Column({ type: 'simple-json' })
  entitlements: Entitlements;

  /** null: the active profile's default. */
  @Column({ name: 'media_policy', type: 'varchar', length: 16, nullable: true })
  mediaPolicy: MediaPolicy | null;

  @Column({ name: 'rate_limit_per_minute', type: 'integer' })
  rateLimitPerMinute: number;

  /** Optional cap on the tenant's total charges, in nano-USD; null: no limit. */
  @Column({ name: 'spend_limit_nano', type: 'bigint', nullable: true, transformer: bigintString })
  spendLimitNano: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt: number;
}
