import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintString, epochMs } from '../database/columns';
import type { TenantId } from '../common/tenant-identity/tenant-id';

/**
 * `submitting` rows exist between the local record and the upstream answer; `rejected` ones were
 * refused upstream or never made; `unknown` ones got no usable answer and are being reconciled (docs/contract.md §9; they
 * keep their spend reservation). None of them is shown to the tenant.
 */
export type TaskStatus = 'submitting' | 'unknown' | 'rejected' | 'queued' | 'running' | 'succeeded' | 'failed' | 'expired' | 'cancelled';

export const TERMINAL_STATUSES: readonly TaskStatus[] = ['succeeded', 'failed', 'expired', 'cancelled'];

/** Statuses a tenant sees (the others have no upstream task). */
export const VISIBLE_STATUSES: readonly TaskStatus[] = ['queued', 'running', ...TERMINAL_STATUSES];

@Entity({ name: 'tasks' })
@Index('idx_tasks_tenant_status_hidden_created_id', ['tenantId', 'status', 'hiddenAt', 'createdAt', 'id'])
@Index('idx_tasks_tenant_hidden_created_id', ['tenantId', 'hiddenAt', 'createdAt', 'id'])
@Index('idx_tasks_status_sync', ['status', 'nextSyncAt'])
@Index('idx_tasks_created_id', ['createdAt', 'id'])
@Index('idx_tasks_reconcile_reason', ['status', 'createdAt'], { where: 'reconcile_reason IS NOT NULL' })
@Index('idx_tasks_tenant_created_id', ['tenantId', 'createdAt', 'id'])
@Index('idx_tasks_status_created_id', ['status', 'createdAt', 'id'])
@Index('idx_tasks_model_created_id', ['model', 'createdAt', 'id'])
export class TaskEntity {
  /** arkgate's own id, known before the upstream answers. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** The upstream id (`cgt-…`), the one the tenant sees. */
  @Column({ name: 'task_id', type: 'varchar', length: 64, nullable: true, unique: true })
  taskId: string | null;

  @Column({ name: 'tenant_id', type: 'varchar', length: 36 })
  tenantId: TenantId;

  /** Stable external model name from the create request (aliases normalised). */
  @Column({ type: 'varchar', length: 64 })
  model: string;

  @Column({ name: 'upstream_model', type: 'varchar', length: 200 })
  upstreamModel: string;

  @Column({ type: 'varchar', length: 16 })
  status: TaskStatus;

  /** The exact body sent upstream (callback_url included). */
  @Column({ name: 'upstream_request', type: 'simple-json' })
  upstreamRequest: Record<string, unknown>;

  /** The last task object read from upstream. */
  @Column({ name: 'upstream_task', type: 'simple-json', nullable: true })
  upstreamTask: Record<string, unknown> | null;

  @Column({ name: 'has_video_input', type: 'boolean' })
  hasVideoInput: boolean;

  /**
   * The resolution upstream reported once it has reported one as text (written with `upstreamTask` by every look,
   * TaskSyncService's patchFor; migration 1765100000000 made it hold for older records), else the one asked for.
   */
  @Column({ type: 'varchar', length: 16, nullable: true })
  resolution: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  ratio: string | null;

  @Column({ type: 'integer', nullable: true })
  duration: number | null;

  @Column({ name: 'safety_identifier', type: 'varchar', length: 128, nullable: true })
  safetyIdentifier: string | null;

  @Column({ name: 'callback_url', type: 'text', nullable: true })
  callbackUrl: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 128 })
  requestId: string;

  @Column({ name: 'error_code', type: 'varchar', length: 128, nullable: true })
  errorCode: string | null;

  @Column({ name: 'hidden_at', type: 'bigint', nullable: true, transformer: epochMs })
  hiddenAt: number | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: epochMs })
  updatedAt: number;

  @Column({ name: 'finished_at', type: 'bigint', nullable: true, transformer: epochMs })
  finishedAt: number | null;

  /** When the background sync should next look at this task (null once terminal). */
  @Column({ name: 'next_sync_at', type: 'bigint', nullable: true, transformer: epochMs })
  nextSyncAt: number | null;

  /** The instance holding the sync lease, and until when. */
  @Column({ name: 'lease_owner', type: 'varchar', length: 64, nullable: true })
  leaseOwner: string | null;

  @Column({ name: 'lease_until', type: 'bigint', nullable: true, transformer: epochMs })
  leaseUntil: number | null;

  @Column({ name: 'sync_attempts', type: 'integer', default: 0 })
  syncAttempts: number;

  /** Upper-bound cost reserved against the tenant's spend limit while the task is in flight (nano-USD). */
  @Column({ name: 'reserved_nano', type: 'bigint', default: 0, transformer: bigintString })
  reservedNano: string;

  /**
   * Why reconciliation needs (or needed) the operator: `ambiguous` (upstream tasks another tenant could own),
   * `deadline` (still unresolved at ARKGATE_RECONCILE_DEADLINE_S, then rejected). Null otherwise.
   */
  @Column({ name: 'reconcile_reason', type: 'varchar', length: 32, nullable: true })
  reconcileReason?: string | null;
}
