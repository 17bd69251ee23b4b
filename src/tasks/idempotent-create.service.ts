import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { DomainError } from '../common/errors/domain-error';
import type { RequestContext } from '../common/http/request-context';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import type { TenantContext } from '../tenancy/tenant-context';
import { TaskRepository } from './task.repository';

/** How often a repeated request looks at the first one's record while that one is being answered. */
const POLL_MS = 50;

/**
 * What a repeated Idempotency-Key gets (docs/contract.md §9), so that one key never makes two upstream tasks:
 * another body → 409 `idempotency_key_reused`; the first request still being answered → wait for it briefly;
 * its outcome unknown (or still no answer after the wait) → 409 `idempotency_key_in_progress` with Retry-After;
 * accepted or recovered → that task's id; refused or never made → the key was released, so the caller proceeds
 * as a new create (answered here as `null`).
 */
@Injectable()
export class IdempotentCreate {
  constructor(
    private readonly tasks: TaskRepository,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async answerFor(
    tenant: TenantContext,
    existing: { bodySha256: string; taskRef: string },
    request: { key: string; bodySha256: string },
    ctx: RequestContext,
  ): Promise<{ id: string } | null> {
    if (existing.bodySha256 !== request.bodySha256) {
      throw new DomainError('idempotency_conflict', 'This Idempotency-Key was already used with a different request body.', 'Idempotency-Key');
    }
    const until = Date.now() + this.config.ark.timeoutMs + 1000;
    for (;;) {
      const row = await this.tasks.reload(tenant.id, existing.taskRef);
      if (!row || row.status === 'rejected') return null;
      if (row.taskId && row.status !== 'unknown') {
        await this.audit.recordAlone({
          action: 'task.create',
          ctx,
          targetId: row.taskId,
          outcome: { status: 200 },
          properties: { idempotent_replay: true, idempotency_key: request.key },
        });
        return { id: row.taskId };
      }
      if (row.status === 'unknown' || Date.now() >= until) throw this.inProgress();
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  private inProgress(): DomainError {
    const { inlineMs, intervalMs } = this.config.reconcile;
    const seconds = Math.max(1, Math.ceil(Math.min(intervalMs, Math.max(inlineMs, 1000)) / 1000));
    return new DomainError(
      'idempotency_in_progress',
      'The first request with this Idempotency-Key has an upstream outcome that is still being resolved; retry later with the same key and body — it will return that task, never create a second one.',
      'Idempotency-Key',
      { 'Retry-After': String(seconds) },
    );
  }
}
