/** The facade's record of a video: its own id for one task. */
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../database/columns';
import type { TenantId } from '../common/tenant-identity/tenant-id';

/**
 * A video of the OpenAI-compatible facade: our stable `video_…` id for one task of the tenant, and the
 * request in the facade's own terms (prompt, size, seconds) so the Video object can echo them.
 */
@Entity({ name: 'videos' })
@Index('idx_videos_tenant_created_id', ['tenantId', 'createdAt', 'id'])
export class VideoEntity {
  /** `video_` and 32 hex digits. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 36 })
  tenantId: TenantId;

  /** The task's upstream id (`cgt-…`); one video per task. Null while the video is reserved and its create runs. */
  @Column({ name: 'task_id', type: 'varchar', length: 64, unique: true, nullable: true })
  taskId: string | null;

  /**
   * The native task record's own id, reserved with the video before the create (docs/contract.md §9): a video whose create
   * was interrupted before `task_id` was written finds its task through it. Null for videos made before it existed.
   */
  @Column({ name: 'record_id', type: 'varchar', length: 36, nullable: true })
  @Index('uq_videos_record_id', { unique: true })
  recordId: string | null;

  @Column({ type: 'text' })
  prompt: string;

  /** `WxH` as the client asked for it. */
  @Column({ type: 'varchar', length: 16 })
  size: string;

  @Column({ type: 'integer' })
  seconds: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;

  /** Set by DELETE /v1/videos/{id}; the task's own record stays as the native delete left it. */
  @Column({ name: 'deleted_at', type: 'bigint', nullable: true, transformer: epochMs })
  deletedAt: number | null;
}
