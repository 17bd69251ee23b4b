import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { DomainError } from '../common/errors/domain-error';
import type { RequestContext } from '../common/http/request-context';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { isUniqueViolation } from '../database/unique-violation';
import { UnitOfWork } from '../database/unit-of-work';
import type { TenantContext } from '../common/tenant-identity/tenant-context';
import type { IdempotencyKey } from './dto/create-task.request';
import { IdempotencyKeyRepository } from './idempotency-key.repository';
import { TaskRepository } from './task.repository';

/** 1–255 printable ASCII characters. */
const KEY = /^[\x21-\x7e]{1,255}$/;
/** Idempotency keys live this long. */
const TTL_MS = 24 * 3600 * 1000;
/** How many times a create may find its key released (its first create refused or never made) and claim it anew. */
const CLAIM_ROUNDS = 3;
/** How many times a claim may lose the race to insert its key to a concurrent request, and look again. */
const INSERT_RACES = 3;
/** How often a repeated request looks at the first one's record while that one is being answered. */
const POLL_MS = 50;

/** How a claim ended: this request records a new task (`fresh`), or it is answered with the first request's task. */
export type Claim<T> = { fresh: T } | { answer: { id: string } };

/**
 * Idempotency-Key on create (docs/contract.md §9), so that one key never makes two upstream tasks. The key is
 * claimed in the transaction that records the task; a repeated key gets: another body → 409 `idempotency_key_reused`;
 * the first request still being answered → wait for it briefly; its outcome unknown (or still no answer after the
 * wait) → 409 `idempotency_key_in_progress` with Retry-After; accepted or recovered → that task's id; refused or never
 * made → the key was released, and the request claims it as a new create.
 */
@Injectable()
export class IdempotentCreate {
  constructor(
    private readonly keys: IdempotencyKeyRepository,
    private readonly tasks: TaskRepository,
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The Idempotency-Key header's value, checked (undefined without the header). */
  static parseKey(header: string | undefined): string | undefined {
    if (header !== undefined && !KEY.test(header)) {
      throw DomainError.invalid('Idempotency-Key', 'The Idempotency-Key header must be 1–255 printable ASCII characters.');
    }
    return header;
  }

  /**
   * Runs `record` (which writes the new task record and answers it) in one transaction with the key's claim, or
   * answers with the task of the request that claimed the key first. Without a key, `record` simply runs.
   */
  async claim<T extends { id: string }>(
    tenant: TenantContext,
    key: IdempotencyKey | undefined,
    ctx: RequestContext,
    record: (manager: EntityManager) => Promise<T>,
  ): Promise<Claim<T>> {
    if (!key) return { fresh: await this.uow.transaction(record) };
    for (let round = 0; round < CLAIM_ROUNDS; round++) {
      const claimed = await this.claimOnce(tenant, key, record);
      if ('fresh' in claimed) return claimed;
      const answer = await this.answerFor(tenant, claimed.existing, key, ctx);
      if (answer) return { answer };
    }
    throw new DomainError('idempotency_in_progress', 'A request with this Idempotency-Key is being processed; retry shortly.', 'Idempotency-Key', {
      'Retry-After': '1',
    });
  }

  /** Frees the key of a create that was refused, inside the transaction that records the refusal. */
  async release(manager: EntityManager, tenant: TenantContext, key: IdempotencyKey, taskRef: string): Promise<void> {
    await this.keys.using(manager).release(tenant.id, key.key, taskRef);
  }

  /**
   * In one transaction: an unexpired key already claimed wins; otherwise `record` runs and the key is bound to
   * its record. A key inserted concurrently by another request is found on the next look.
   */
  private async claimOnce<T extends { id: string }>(
    tenant: TenantContext,
    key: IdempotencyKey,
    record: (manager: EntityManager) => Promise<T>,
  ): Promise<{ fresh: T } | { existing: { bodySha256: string; taskRef: string } }> {
    for (let race = 0; ; race++) {
      try {
        return await this.uow.transaction(async (m) => {
          const keys = this.keys.using(m);
          await keys.forgetExpired(tenant.id, key.key, Date.now() - TTL_MS);
          const existing = await keys.findKey(tenant.id, key.key);
          if (existing) return { existing };
          const fresh = await record(m);
          await keys.insert(tenant.id, { key: key.key, bodySha256: key.bodySha256, taskRef: fresh.id, createdAt: Date.now() });
          return { fresh };
        });
      } catch (err) {
        if (race < INSERT_RACES && isUniqueViolation(err)) continue;
        throw err;
      }
    }
  }

  /** The answer for a repeated key: the first request's task id, or null when its key was released. */
  private async answerFor(
    tenant: TenantContext,
    existing: { bodySha256: string; taskRef: string },
    request: IdempotencyKey,
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
