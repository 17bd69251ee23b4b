import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintString, epochMs } from '../database/columns';
import type { TenantId } from '../common/tenant-identity/tenant-id';

/** The charge for one succeeded task. The unique task key makes a second charge impossible. */
@Entity({ name: 'ledger_entries' })
@Index('idx_ledger_tenant_created', ['tenantId', 'createdAt'])
@Index('idx_ledger_task_order', ['taskCreatedAt', 'taskRef', 'tenantId', 'model', 'sku', 'tokens', 'nanoPerMillion', 'amountNano'])
export class LedgerEntryEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 36 })
  tenantId: TenantId;

  /** arkgate's own task id (tasks.id). */
  @Column({ name: 'task_ref', type: 'varchar', length: 36, unique: true })
  taskRef: string;

  /** The upstream task id the tenant knows. */
  @Column({ name: 'task_id', type: 'varchar', length: 64 })
  taskId: string;

  /** The stable model of the create request (a Filter-Off name stays a Filter-Off name). */
  @Column({ type: 'varchar', length: 64 })
  model: string;

  @Column({ type: 'varchar', length: 64 })
  sku: string;

  @Column({ type: 'varchar', length: 16 })
  resolution: string;

  @Column({ name: 'has_video_input', type: 'boolean' })
  hasVideoInput: boolean;

  @Column({ type: 'bigint', transformer: bigintString })
  tokens: string;

  @Column({ name: 'nano_per_million', type: 'bigint', transformer: bigintString })
  nanoPerMillion: string;

  @Column({ name: 'amount_nano', type: 'bigint', transformer: bigintString })
  amountNano: string;

  /** When the task was created (its prices are the ones in force then). */
  @Column({ name: 'task_created_at', type: 'bigint', transformer: epochMs })
  taskCreatedAt: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;
}
