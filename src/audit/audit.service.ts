import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { isoTime } from '../common/iso-time';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { RequestContext } from '../common/http/request-context';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import type { AuditEventEntity } from './audit-event.entity';
import { AuditEventFilter, AuditEventRepository } from './audit-event.repository';
import { AuditChainVerifier, ChainBreak } from './audit-chain-verifier';
import { eventHash, GENESIS_HASH, keyedEventHash, keyMark } from './audit-hash';
import { redact } from './redact';

export interface AuditInput {
  action: string;
  ctx: RequestContext;
  /** Defaults to the caller's tenant. */
  tenantId?: string | null;
  targetId?: string | null;
  outcome: { status: number; errorCode?: string | null };
  properties?: Record<string, unknown>;
}

export interface ChainVerdict {
  ok: boolean;
  /** Events whose link held, up to the first broken one. */
  events_checked: number;
  first_broken: ChainBreak | null;
  audit_key: 'configured' | 'not configured';
  /** With the key: the seq from which every event is keyed (null: no keyed gateway has started yet). */
  keyed_from_seq: number | null;
  /** Keyed events whose content could not be checked because the key is not configured (links still are). */
  unverified_keyed_events: number;
}

const VERIFY_BATCH = 1000;

/**
 * The append-only, hash-chained audit trail. With ARKGATE_AUDIT_KEY every new event's hash is an HMAC with
 * the key, and the chain head carries a key mark saying from which event on that holds (docs/contract.md §10).
 */
@Injectable()
export class AuditService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuditService.name);

  constructor(
    private readonly events: AuditEventRepository,
    private readonly uow: UnitOfWork,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * A gateway with a key marks the chain head once, the first time it starts: every event from the next seq on
   * must be keyed (or from its first event, when it wrote one while starting). The mark is an HMAC, so a writer
   * without the key can remove it but not forge or move it; a removed mark is reported by verify until the next
   * start re-makes it (see the notes on what the key does not protect).
   */
  /** Read-only at start (a start that fails must change nothing): says when the head's key mark is not this key's. */
  async onApplicationBootstrap(): Promise<void> {
    const key = this.config.auditKey;
    if (key === undefined) return;
    const head = await this.events.head();
    if (head?.keyMark != null && head.keyedFromSeq != null && head.keyMark !== keyMark(head.keyedFromSeq, key)) {
      this.logger.error('the audit chain head carries a key mark that ARKGATE_AUDIT_KEY did not sign: /audit/verify reports it');
    }
  }

  /**
   * The seq from which the chain is keyed, when the head has no mark yet: the first keyed event's (a mark that went
   * missing), else the event being written now.
   */
  private async keyedFrom(manager: EntityManager, seq: number): Promise<number> {
    const firstKeyed = await this.events.using(manager).firstKeyedEvent();
    if (firstKeyed && firstKeyed.seq < seq) {
      this.logger.warn(`the audit chain has keyed events but no key mark: marking it keyed from seq ${firstKeyed.seq}`);
      return firstKeyed.seq;
    }
    return seq;
  }

  /** Appends an event inside the caller's transaction: the change and its event commit together or not at all. */
  async record(manager: EntityManager, input: AuditInput): Promise<AuditEventEntity> {
    const events = this.events.using(manager);
    const head = await events.lockedHead();
    const principal = input.ctx.principal;
    const fields = {
      id: randomUUID(),
      occurredAt: Date.now(),
      actorTokenId: principal?.tokenId ?? null,
      actorRole: principal?.role ?? null,
      tenantId: input.tenantId !== undefined ? input.tenantId : (principal?.tenant?.id ?? null),
      action: input.action,
      targetId: input.targetId ?? null,
      outcomeStatus: input.outcome.status,
      errorCode: input.outcome.errorCode ?? null,
      requestId: input.ctx.requestId,
      clientIp: input.ctx.ip,
      properties: redact(input.properties ?? {}) as Record<string, unknown>,
      prevHash: head?.lastHash ?? GENESIS_HASH,
    };
    const key = this.config.auditKey;
    const hashed: Omit<AuditEventEntity, 'seq'> =
      key === undefined
        ? { ...fields, hash: eventHash(fields), hashKind: 'sha256' }
        : { ...fields, hash: keyedEventHash(fields, key), hashKind: 'hmac-sha256' };
    // The first keyed event marks the chain (signed with the key) as keyed from then on, so a downgrade is caught.
    if (key !== undefined && head?.keyMark == null) {
      const event = await events.append(hashed);
      const from = await this.keyedFrom(manager, event.seq);
      await events.advanceHead(event.hash, { keyedFromSeq: from, keyMark: keyMark(from, key) });
      this.logger.log(`audit chain keyed from seq ${from}`);
      input.ctx.audited = true;
      return event;
    }
    const event = await events.appendAndAdvance(hashed);
    input.ctx.audited = true;
    return event;
  }

  /** An event with no change of its own to ride along with (a refused request). */
  recordAlone(input: AuditInput): Promise<AuditEventEntity> {
    return this.uow.transaction((m) => this.record(m, input));
  }

  async list(filter: AuditEventFilter): Promise<{ items: Record<string, unknown>[]; next_cursor: string | null }> {
    const rows = await this.events.page(filter);
    const page = rows.slice(0, filter.limit);
    return { items: page.map(view), next_cursor: rows.length > filter.limit ? String(page[page.length - 1].seq) : null };
  }

  /**
   * Recomputes the whole chain in order and reports the first broken link and its kind: edited, removed,
   * re-chained (see AuditChainVerifier) or truncated. With the key, a missing or forged key mark on the head
   * is reported too (as re-chained: only a writer without the key would strip it).
   */
  async verify(): Promise<ChainVerdict> {
    const key = this.config.auditKey;
    const head = await this.events.head();
    let keyedFrom: number | null = null;
    let markProblem: ChainBreak | null = null;
    if (key !== undefined) {
      if (head?.keyMark == null || head.keyedFromSeq == null) {
        markProblem = {
          seq: 0,
          id: '',
          kind: 're-chained',
          reason: 'the chain head has no key mark although ARKGATE_AUDIT_KEY is set: it was removed by a writer without the key',
        };
      } else if (head.keyMark !== keyMark(head.keyedFromSeq, key)) {
        markProblem = {
          seq: head.keyedFromSeq,
          id: '',
          kind: 're-chained',
          reason: 'the chain head key mark was not made with ARKGATE_AUDIT_KEY: it was changed by a writer without the key',
        };
      } else {
        keyedFrom = head.keyedFromSeq;
      }
    }
    const verifier = new AuditChainVerifier(key, keyedFrom);
    const verdict = (first_broken: ChainBreak | null): ChainVerdict => ({
      ok: first_broken === null,
      events_checked: verifier.checked,
      first_broken,
      audit_key: key === undefined ? 'not configured' : 'configured',
      keyed_from_seq: keyedFrom,
      unverified_keyed_events: verifier.unverified,
    });

    let after = 0;
    for (;;) {
      const batch = await this.events.batchAfter(after, VERIFY_BATCH);
      for (const e of batch) {
        const problem = verifier.next(e);
        if (problem) return verdict(problem);
        after = e.seq;
      }
      if (batch.length < VERIFY_BATCH) break;
    }
    return verdict(verifier.end(head?.lastHash) ?? markProblem);
  }
}

function view(e: AuditEventEntity): Record<string, unknown> {
  return {
    id: e.id,
    seq: e.seq,
    occurred_at: isoTime(e.occurredAt),
    actor: { token_id: e.actorTokenId, role: e.actorRole },
    tenant_id: e.tenantId,
    action: e.action,
    target_id: e.targetId,
    outcome: { status: e.outcomeStatus, error_code: e.errorCode },
    request_id: e.requestId,
    client_ip: e.clientIp,
    properties: e.properties,
    prev_hash: e.prevHash,
    hash: e.hash,
    hash_kind: e.hashKind,
  };
}
