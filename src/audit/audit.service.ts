import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Between, EntityManager, FindOptionsWhere, LessThan, MoreThanOrEqual, Repository } from 'typeorm';
import type { RequestContext } from '../common/http/request-context';
import { UnitOfWork } from '../database/unit-of-work';
import { AuditChainEntity } from './audit-chain.entity';
import { AuditEventEntity } from './audit-event.entity';
import { eventHash, GENESIS_HASH } from './audit-hash';
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

export interface AuditEventFilter {
  tenantId?: string;
  action?: string;
  actor?: string;
  requestId?: string;
  from?: number;
  to?: number;
  /** Continue below this seq (newest first). */
  cursor?: number;
  limit: number;
}

const VERIFY_BATCH = 1000;
const HEAD_ID = 1;

/** The append-only, hash-chained audit trail. */
@Injectable()
export class AuditService {
  constructor(
    @InjectRepository(AuditEventEntity) private readonly events: Repository<AuditEventEntity>,
    private readonly uow: UnitOfWork,
  ) {}

  /** Appends an event inside the caller's transaction: the change and its event commit together or not at all. */
  async record(manager: EntityManager, input: AuditInput): Promise<AuditEventEntity> {
    const heads = manager.getRepository(AuditChainEntity);
    const qb = heads.createQueryBuilder('h').where('h.id = :id', { id: HEAD_ID });
    if (manager.connection.options.type === 'postgres') qb.setLock('pessimistic_write');
    const head = await qb.getOne();
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
    const event = manager.getRepository(AuditEventEntity).create({ ...fields, hash: eventHash(fields) });
    await manager.getRepository(AuditEventEntity).insert(event as never);
    await heads.update({ id: HEAD_ID }, { lastHash: event.hash });
    input.ctx.audited = true;
    return event;
  }

  /** An event with no change of its own to ride along with (a refused request). */
  recordAlone(input: AuditInput): Promise<AuditEventEntity> {
    return this.uow.transaction((m) => this.record(m, input));
  }

  async list(filter: AuditEventFilter): Promise<{ items: Record<string, unknown>[]; next_cursor: string | null }> {
    const where: FindOptionsWhere<AuditEventEntity> = {};
    if (filter.tenantId) where.tenantId = filter.tenantId;
    if (filter.action) where.action = filter.action;
    if (filter.actor) where.actorTokenId = filter.actor;
    if (filter.requestId) where.requestId = filter.requestId;
    if (filter.from !== undefined && filter.to !== undefined) where.occurredAt = Between(filter.from, filter.to - 1);
    else if (filter.from !== undefined) where.occurredAt = MoreThanOrEqual(filter.from);
    else if (filter.to !== undefined) where.occurredAt = LessThan(filter.to);
    if (filter.cursor !== undefined) where.seq = LessThan(filter.cursor);
    const rows = await this.events.find({ where, order: { seq: 'DESC' }, take: filter.limit + 1 });
    const page = rows.slice(0, filter.limit);
    return { items: page.map(view), next_cursor: rows.length > filter.limit ? String(page[page.length - 1].seq) : null };
  }

  /** Recomputes the whole chain in order; reports the first event whose link or content does not hold. */
  async verify(): Promise<{ ok: boolean; events_checked: number; first_broken: { seq: number; id: string; reason: string } | null }> {
    let prev = GENESIS_HASH;
    let checked = 0;
    let after = 0;
    for (;;) {
      const batch = await this.events
        .createQueryBuilder('e')
        .where('e.seq > :after', { after })
        .orderBy('e.seq', 'ASC')
        .take(VERIFY_BATCH)
        .getMany();
      for (const e of batch) {
        if (e.prevHash !== prev) return broken(checked, e, 'prev_hash does not match the previous event (an event was removed or reordered)');
        if (eventHash(e) !== e.hash) return broken(checked, e, 'the event was changed after it was written');
        prev = e.hash;
        checked += 1;
        after = e.seq;
      }
      if (batch.length < VERIFY_BATCH) break;
    }
    const head = await this.events.manager.getRepository(AuditChainEntity).findOneBy({ id: HEAD_ID });
    if (head && head.lastHash !== prev) {
      return { ok: false, events_checked: checked, first_broken: { seq: after + 1, id: '', reason: 'events at the end of the chain are missing' } };
    }
    return { ok: true, events_checked: checked, first_broken: null };
  }
}

function broken(checked: number, e: AuditEventEntity, reason: string) {
  return { ok: false, events_checked: checked, first_broken: { seq: e.seq, id: e.id, reason } };
}

function view(e: AuditEventEntity): Record<string, unknown> {
  return {
    id: e.id,
    seq: e.seq,
    occurred_at: new Date(e.occurredAt).toISOString(),
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
  };
}
