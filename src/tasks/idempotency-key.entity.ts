import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../database/columns';
import type { TenantId } from '../common/tenant-identity/tenant-id';

/** An Idempotency-Key of one tenant, bound to the body it first came with and the task it made (24 h). */
@Entity({ name: 'idempotency_keys' })
export class IdempotencyKeyEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 36 })
  tenantId: TenantId;

  @PrimaryColumn({ name: 'idempotency_key', type: 'varchar', length: 255 })
  key: string;

  @Column({ name: 'body_sha256', type: 'varchar', length: 64 })
  bodySha256: string;

  /** tasks.id of the task this key created. */
  @Column({ name: 'task_ref', type: 'varchar', length: 36 })
  taskRef: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;
}
