import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, EntityManager, FindOptionsWhere, LessThan, MoreThanOrEqual, Repository } from 'typeorm';
import { AuditChainEntity } from './audit-chain.entity';
import { AuditEventEntity } from './audit-event.entity';
import { RowReader } from '../database/row-reader';
import { insertRow, insertStatement } from '../database/row-writer';

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

/** The chain head's one row. */
const HEAD_ID = 1;

/**
 * The audit trail's tables: events (append-only) and the chain head (last hash, key mark). Appends are made inside
 * the caller's transaction (`using(manager)`) with the head locked, so events chain one after another; reads page
 * the events for the auditor and walk them in order for verification. Hashing lives in AuditService.
 */
@Injectable()
export class AuditEventRepository {
  /** The head read by hand-written SQL (shared by the transaction-bound copies of `using`). */
  private readonly headReader: RowReader<AuditChainEntity>;

  constructor(@InjectRepository(AuditEventEntity) private readonly events: Repository<AuditEventEntity>) {
    this.headReader = new RowReader(events.manager.getRepository(AuditChainEntity));
  }

  /** The same repository working inside the caller's transaction. */
  using(manager: EntityManager): this {
    const bound = Object.create(this) as this;
    (bound as unknown as { events: Repository<AuditEventEntity> }).events = manager.getRepository(AuditEventEntity);
    return bound;
  }

  private get heads(): Repository<AuditChainEntity> {
    return this.events.manager.getRepository(AuditChainEntity);
  }

  /** The chain head as it is (no lock). */
  head(): Promise<AuditChainEntity | null> {
    return this.heads.findOne({ where: { id: HEAD_ID } });
  }

  /** The chain head, locked for the rest of the transaction on PostgreSQL (SQLite transactions run one at a time). */
  lockedHead(): Promise<AuditChainEntity | null> {
    return this.headReader.first('id = ?', [HEAD_ID], this.heads, true);
  }

  /** Appends an event (its seq is assigned by the database and set on the returned row). */
  async append(fields: Omit<AuditEventEntity, 'seq'>): Promise<AuditEventEntity> {
    const event = this.events.create(fields);
    const row = await insertRow(this.events.manager, this.events, event, ['seq']);
    if (row?.seq === undefined || row.seq === null) throw new Error('the audit event was not given a seq');
    event.seq = Number(row.seq);
    return event;
  }

  /**
   * Appends an event and moves the chain head to its hash. On PostgreSQL in one statement (the INSERT in a CTE of the
   * head's UPDATE): the head row is locked from `lockedHead` to COMMIT by every audited write of every instance, so each
   * round trip less while holding it is throughput for all of them. Elsewhere, `append` then `advanceHead`.
   */
  async appendAndAdvance(fields: Omit<AuditEventEntity, 'seq'>): Promise<AuditEventEntity> {
    const runner = this.events.manager.queryRunner;
    if (this.events.manager.connection.options.type !== 'postgres' || !runner) {
      const event = await this.append(fields);
      await this.advanceHead(event.hash);
      return event;
    }
    const event = this.events.create(fields);
    const [insert, params] = insertStatement(this.events.manager, this.events, event, ['seq']);
    const heads = this.events.manager.connection.driver.escape(this.heads.metadata.tableName);
    const n = params.length;
    const result = await runner.query(
      `WITH e AS (${insert}) UPDATE ${heads} SET "last_hash" = $${n + 1} WHERE "id" = $${n + 2} RETURNING (SELECT "seq" FROM e) AS "seq"`,
      [...params, fields.hash, HEAD_ID],
      true,
    );
    const row = (result.records as { seq: number | string | null }[])[0];
    if (!row || row.seq === null) throw new Error('the audit chain head is missing');
    event.seq = Number(row.seq);
    return event;
  }

  /** Moves the chain head to the event just appended, with the key mark when there is one to set. */
  async advanceHead(lastHash: string, mark: Partial<Pick<AuditChainEntity, 'keyedFromSeq' | 'keyMark'>> = {}): Promise<void> {
    await this.heads.update({ id: HEAD_ID }, { lastHash, ...mark });
  }

  /** The first event hashed with the key, if any. */
  firstKeyedEvent(): Promise<AuditEventEntity | null> {
    return this.events.findOne({ where: { hashKind: 'hmac-sha256' }, order: { seq: 'ASC' } });
  }

  /** One page of events matching the filter, newest first, with one more row than `limit` when a next page exists. */
  page(filter: AuditEventFilter): Promise<AuditEventEntity[]> {
    const where: FindOptionsWhere<AuditEventEntity> = {};
    if (filter.tenantId) where.tenantId = filter.tenantId;
    if (filter.action) where.action = filter.action;
    if (filter.actor) where.actorTokenId = filter.actor;
    if (filter.requestId) where.requestId = filter.requestId;
    if (filter.from !== undefined && filter.to !== undefined) where.occurredAt = Between(filter.from, filter.to - 1);
    else if (filter.from !== undefined) where.occurredAt = MoreThanOrEqual(filter.from);
    else if (filter.to !== undefined) where.occurredAt = LessThan(filter.to);
    if (filter.cursor !== undefined) where.seq = LessThan(filter.cursor);
    return this.events.find({ where, order: { seq: 'DESC' }, take: filter.limit + 1 });
  }

  /** Verification: up to `limit` events after seq `after`, in chain order. */
  batchAfter(after: number, limit: number): Promise<AuditEventEntity[]> {
    return this.events.createQueryBuilder('e').where('e.seq > :after', { after }).orderBy('e.seq', 'ASC').take(limit).getMany();
  }
}
