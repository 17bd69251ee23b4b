import { Injectable, Logger } from '@nestjs/common';
import { isoTime } from '../common/iso-time';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { EntityManager, LessThanOrEqual, Repository } from 'typeorm';
import { estimateCompletionTokens, outputSize, OUTPUT_RATIOS } from '@arkgate/byteplus';
import { DomainError } from '../common/errors/domain-error';
import type { Principal } from '../common/tenant-identity/tenant-context';
import type { TenantId } from '../common/tenant-identity/tenant-id';
import { oneTenant, staffFilterScope, TenantScope } from '../common/tenant-identity/tenant-scope';
import type { RequestContext } from '../common/http/request-context';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../database/unit-of-work';
import { CachedValue } from '../common/concurrency/cached-value';
import type { UsageQueryDto } from './dto/usage.query';
import { modelSpec, PriceFamily } from '../catalog/catalog-rules';
import { LedgerCrossTenantReader, UsageGroupBy } from './ledger-cross-tenant.reader';
import { LedgerEntryEntity } from './ledger-entry.entity';
import { chargeNano, formatUsd, parseUsd } from '../common/money';
import { LedgerRepository } from './ledger.repository';
import { PriceEntity } from './price.entity';
import { PriceBook } from './price-book';
import { SEED_PRICES, skuFor } from './sku-rules';

export interface PriceView {
  sku: string;
  usd_per_million_tokens: string;
  /** ISO-8601 UTC; null for a seed price (in force since the start). */
  effective_from: string | null;
}

/** What settlement needs to know of a task that just succeeded. */
export interface SettlementInput {
  tenantId: TenantId;
  taskRef: string;
  taskId: string;
  model: string;
  hasVideoInput: boolean;
  taskCreatedAt: number;
  /** From the finished upstream task. */
  resolution: string;
  completionTokens: number;
}

export interface EstimateInput {
  model: string;
  resolution?: string;
  ratio?: string;
  duration?: number;
  hasVideoInput: boolean;
}

/**
 * What a spend reservation reads from the modules that own it (the tenant's limit, the tasks in flight), each inside
 * the reservation's transaction.
 */
export interface SpendHolders {
  /** The tenant's spend limit in nano-USD (null: none), read with the tenant locked so its reservations queue. */
  lockLimit(): Promise<bigint | null>;
  /** What the tenant's tasks in flight hold already (nano-USD). */
  reservedInFlight(): Promise<bigint>;
}

export type { UsageGroupBy } from './ledger-cross-tenant.reader';

export interface UsageRow {
  key: string;
  tasks: number;
  tokens: number;
  amount_usd: string;
}

const DAY_MS = 86_400_000;
/**
 * How long the prices a create's estimate (its spend reservation) is made at are trusted before the database is asked
 * again: a price set through another instance reaches this one's estimates within this window (through this one, at
 * once). Charges never use it: a task is charged at the version in force at its creation, read in the settlement's
 * transaction.
 */
export const PRICE_CACHE_MS = 2000;
const DEFAULT_DURATION_S = 5;
const MAX_DURATION_S = 15;
const KNOWN_SKUS = new Set(SEED_PRICES.map(([sku]) => sku));

/** Prices, the ledger of charges for succeeded tasks, estimates for spend limits, and usage reports. */
@Injectable()
export class BillingService {
  private readonly logger = new Logger(BillingService.name);

  constructor(
    @InjectRepository(PriceEntity) private readonly prices: Repository<PriceEntity>,
    private readonly ledger: LedgerRepository,
    private readonly ledgerAcrossTenants: LedgerCrossTenantReader,
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
  ) {}

  /** The prices of estimates (PRICE_CACHE_MS): a book read on the root manager, one SKU at a time, replaced each window. */
  private readonly estimatePrices = new CachedValue(PRICE_CACHE_MS, async () => new PriceBook(this.prices.manager));

  async currentPrices(): Promise<PriceView[]> {
    const now = Date.now();
    const out: PriceView[] = [];
    for (const [sku] of SEED_PRICES) {
      const p = await this.priceAt(sku, now);
      out.push({ sku, usd_per_million_tokens: formatUsd(BigInt(p.nanoPerMillion)), effective_from: p.effectiveFrom ? isoTime(p.effectiveFrom) : null });
    }
    return out;
  }

  /** Prices read once per SKU within the transaction of `manager`, for settling many tasks in it. */
  priceBook(manager: EntityManager): PriceBook {
    return new PriceBook(manager);
  }

  /** Adds a price version effective now: tasks created from now on are charged at it. */
  async setPrice(sku: string, usd: unknown, ctx: RequestContext): Promise<PriceView> {
    if (!KNOWN_SKUS.has(sku)) throw new DomainError('not_found', `SKU \`${sku}\` does not exist.`, 'sku');
    const text = typeof usd === 'number' ? String(usd) : usd;
    let nano: bigint;
    try {
      if (typeof text !== 'string') throw new RangeError('not a string');
      nano = parseUsd(text);
    } catch {
      throw DomainError.invalid('usd_per_million_tokens', 'usd_per_million_tokens must be a non-negative decimal with at most 9 decimals, e.g. "7.0".');
    }
    const now = Date.now();
    const row = this.prices.create({ id: randomUUID(), sku, nanoPerMillion: nano.toString(), effectiveFrom: now, createdAt: now });
    const previous = await this.priceAt(sku, now);
    await this.uow.transaction(async (m) => {
      await m.getRepository(PriceEntity).insert(row);
      await this.audit.record(m, {
        action: 'admin.price.put',
        ctx,
        tenantId: null,
        targetId: sku,
        outcome: { status: 200 },
        properties: { usd_per_million_tokens: formatUsd(nano), previous_usd_per_million_tokens: formatUsd(BigInt(previous.nanoPerMillion)) },
      });
    });
    this.estimatePrices.clear();
    return { sku, usd_per_million_tokens: formatUsd(nano), effective_from: isoTime(now) };
  }

  /**
   * Writes the one ledger entry of a task that just succeeded, inside the caller's transaction. `prices`: a price book
   * of that transaction (`priceBook`), when it settles many tasks.
   */
  async settle(manager: EntityManager, input: SettlementInput, prices?: PriceBook): Promise<LedgerEntryEntity> {
    const [entry] = await this.settleAll(manager, [input], prices);
    return entry;
  }

  /** `settle` for many tasks in one transaction, their entries written by one INSERT (in the order given). */
  async settleAll(manager: EntityManager, inputs: readonly SettlementInput[], prices: PriceBook = this.priceBook(manager)): Promise<LedgerEntryEntity[]> {
    if (inputs.length === 0) return [];
    const ledger = manager.getRepository(LedgerEntryEntity);
    const now = Date.now();
    const entries: LedgerEntryEntity[] = [];
    for (const input of inputs) {
      const family = familyOf(input.model);
      const sku = skuFor({ family, resolution: input.resolution, hasVideoInput: input.hasVideoInput });
      const price = await prices.at(sku, input.taskCreatedAt);
      const amount = chargeNano(input.completionTokens, BigInt(price.nanoPerMillion));
      entries.push(
        ledger.create({
          id: randomUUID(),
          tenantId: input.tenantId,
          taskRef: input.taskRef,
          taskId: input.taskId,
          model: input.model,
          sku,
          resolution: input.resolution,
          hasVideoInput: input.hasVideoInput,
          tokens: String(input.completionTokens),
          nanoPerMillion: price.nanoPerMillion,
          amountNano: amount.toString(),
          taskCreatedAt: input.taskCreatedAt,
          createdAt: now,
        }),
      );
    }
    await ledger.insert(entries);
    for (const e of entries) this.logger.log(`charged task ${e.taskId}: ${e.sku} ${e.tokens} tokens = $${formatUsd(BigInt(e.amountNano))}`);
    return entries;
  }

  /**
   * An upper bound of what a task can cost, for spend limits: the token formula at the requested
   * resolution and ratio (the largest ratio when adaptive), 15 s when the duration is -1, at today's price.
   */
  async estimateNano(input: EstimateInput, manager?: EntityManager): Promise<bigint> {
    const family = familyOf(input.model);
    const resolution = input.resolution ?? '720p';
    const seconds = input.duration === -1 ? MAX_DURATION_S : (input.duration ?? DEFAULT_DURATION_S);
    const ratios = input.ratio && input.ratio !== 'adaptive' ? [input.ratio] : [...OUTPUT_RATIOS];
    let tokens = 0;
    for (const ratio of ratios) {
      const { width, height } = outputSize(resolution, ratio);
      tokens = Math.max(tokens, estimateCompletionTokens(width, height, seconds));
    }
    const sku = skuFor({ family, resolution, hasVideoInput: input.hasVideoInput });
    const now = Date.now();
    const price = manager ? await this.priceAt(sku, now, manager) : await (await this.estimatePrices.get()).at(sku, now);
    return chargeNano(tokens, BigInt(price.nanoPerMillion));
  }

  /**
   * Checks that a task whose cost is at most `estimate` fits the tenant's spend limit, inside the caller's transaction,
   * which then records the task holding `estimate` (docs/contract.md §9): what was charged, what the tasks in flight hold
   * and the estimate must not pass the limit, else 403 spend_limit_exceeded. The limit is read first, with the tenant
   * locked, so concurrent creates of one tenant are checked one at a time.
   */
  async reserve(manager: EntityManager, tenantId: TenantId, estimate: bigint, holders: SpendHolders): Promise<void> {
    const limit = await holders.lockLimit();
    if (limit === null) return;
    const spent = await this.spentNano(tenantId, manager);
    const reserved = await holders.reservedInFlight();
    if (spent + reserved + estimate > limit) {
      throw new DomainError(
        'spend_limit_exceeded',
        `This task could cost up to $${formatUsd(estimate)}, which would pass the account's spend limit of $${formatUsd(limit)} ` +
          `($${formatUsd(spent)} charged, $${formatUsd(reserved)} reserved by tasks in flight).`,
      );
    }
  }

  /** What `tokens` of a finished task cost at today's list price (for upstream tasks no record owns). */
  async listPriceNano(input: { model: string; resolution: string; hasVideoInput: boolean; tokens: number }): Promise<{ sku: string; amountNano: bigint }> {
    const sku = skuFor({ family: familyOf(input.model), resolution: input.resolution, hasVideoInput: input.hasVideoInput });
    const price = await this.priceAt(sku, Date.now());
    return { sku, amountNano: chargeNano(input.tokens, BigInt(price.nanoPerMillion)) };
  }

  /** The ledger entries of these tasks (by tasks.id) within the scope, for the task log and exports. */
  async entriesForTasks(scope: TenantScope, taskRefs: string[]): Promise<Map<string, LedgerEntryEntity>> {
    const rows = await this.ledgerAcrossTenants.entriesForTasks(scope, taskRefs);
    return new Map(rows.map((r) => [r.taskRef, r]));
  }

  /** Everything charged to a tenant so far, in nano-USD (inside the caller's transaction when given one). */
  async spentNano(tenantId: TenantId, manager?: EntityManager): Promise<bigint> {
    return (manager ? this.ledger.using(manager) : this.ledger).spentNano(tenantId);
  }

  /** GET /billing/usage: a tenant's own usage, or (admin) one tenant's or everyone's. */
  async usageFor(principal: Principal, query: UsageQueryDto) {
    let tenantId: string | undefined;
    let scope: TenantScope;
    if (principal.tenant) {
      if (query.tenant_id !== undefined && query.tenant_id !== principal.tenant.id) {
        throw new DomainError('not_found', `Tenant \`${query.tenant_id}\` does not exist.`, 'tenant_id');
      }
      tenantId = principal.tenant.id;
      scope = oneTenant(principal.tenant.id);
    } else {
      tenantId = query.tenant_id;
      scope = staffFilterScope(query.tenant_id);
    }
    const to = query.to ? Date.parse(query.to) : Date.now();
    const from = query.from ? Date.parse(query.from) : to - 30 * DAY_MS;
    if (!(from < to)) throw DomainError.invalid('from', 'from must be before to.');
    const groupBy = query.group_by ?? 'day';
    const report = await this.usage(scope, from, to, groupBy);
    return { tenant_id: tenantId ?? null, from: isoTime(from), to: isoTime(to), group_by: groupBy, ...report };
  }

  /** Usage of the scope (one tenant, or all) in [from, to), with totals. */
  async usage(scope: TenantScope, from: number, to: number, groupBy: UsageGroupBy) {
    const rows = await this.ledgerAcrossTenants.usage(scope, from, to, groupBy);
    let tasks = 0;
    let tokens = 0n;
    let amount = 0n;
    const items: UsageRow[] = rows.map((r) => {
      tasks += Number(r.tasks);
      tokens += BigInt(r.tokens);
      amount += BigInt(r.amount);
      const k = groupBy === 'day' ? new Date(Number(r.k) * DAY_MS).toISOString().slice(0, 10) : String(r.k);
      return { key: k, tasks: Number(r.tasks), tokens: Number(r.tokens), amount_usd: formatUsd(BigInt(r.amount)) };
    });
    return { totals: { tasks, tokens: Number(tokens), amount_usd: formatUsd(amount) }, items };
  }

  private async priceAt(sku: string, at: number, manager?: EntityManager): Promise<PriceEntity> {
    const repo = manager ? manager.getRepository(PriceEntity) : this.prices;
    const row = await repo.findOne({ where: { sku, effectiveFrom: LessThanOrEqual(at) }, order: { effectiveFrom: 'DESC', createdAt: 'DESC' } });
    if (!row) throw new Error(`no price for ${sku} at ${at}`);
    return row;
  }
}

function familyOf(model: string): PriceFamily {
  const spec = modelSpec(model);
  if (!spec) throw new Error(`unknown model ${model}`);
  return spec.family;
}
