import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { EntityManager, Repository } from 'typeorm';
import { formatUsd, parseUsd } from '../common/money';
import { isoTime, isoTimeOrNull } from '../common/iso-time';
import { UnitOfWork } from '../database/unit-of-work';
import { isUniqueViolation } from '../database/unique-violation';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DomainError } from '../common/errors/domain-error';
import { Clock } from '../common/clock';
import { DEFAULT_TENANT_MODELS } from '../catalog/catalog-rules';
import { ApiTokenEntity } from './api-token.entity';
import { ApiTokenRepository } from './api-token.repository';
import { TenantEntity } from './tenant.entity';
import { Entitlements, MediaPolicy, Principal, Role, TenantContext, TenantStatus } from '../common/tenant-identity/tenant-context';
import { tenantIdFromTrustedRow } from '../common/tenant-identity/tenant-id';
import { hashToken, newToken, tokenPrefix } from './token-codec';

export interface TenantView {
  id: string;
  name: string;
  status: TenantStatus;
  entitlements: Entitlements;
  media_policy: MediaPolicy;
  rate_limit_per_minute: number;
  /** Cap on the tenant's total charges in USD; null: none. */
  spend_limit_usd: string | null;
  /** ISO-8601 UTC. */
  created_at: string;
  /** ISO-8601 UTC. */
  updated_at: string;
}

export interface TenantInput {
  name?: string;
  status?: TenantStatus;
  entitlements?: Partial<Entitlements>;
  media_policy?: MediaPolicy;
  rate_limit_per_minute?: number;
  /** A decimal USD string; null removes the limit. */
  spend_limit_usd?: string | null;
}

export interface IssuedToken {
  id: string;
  token: string;
  name: string;
  role: Role;
  tenant_id: string | null;
}

export interface TokenView {
  id: string;
  name: string;
  role: Role;
  tenant_id: string | null;
  prefix: string;
  /** ISO-8601 UTC. */
  created_at: string;
  /** ISO-8601 UTC; null while the token is live. */
  revoked_at: string | null;
}

/**
 * A change to tenants or tokens, as the admin path makes it. Handed to the caller's `within` inside the transaction
 * that makes the change, so what must commit with it (the admin module's audit event) does, or neither does.
 */
export type TenancyChange =
  | { kind: 'tenant.created'; tenantId: string; input: TenantInput }
  | { kind: 'tenant.updated'; tenantId: string; changes: TenantInput }
  | { kind: 'token.issued'; tokenId: string; tenantId: string | null; role: Role; name: string; prefix: string; bootstrap?: true }
  | { kind: 'token.revoked'; tokenId: string; tenantId: string | null; role: Role; name: string; alreadyRevoked?: boolean; reason?: string };

/** What else runs in the transaction of a tenancy change (the pattern of TaskSyncService.apply's `alongside`). */
export type WithinChange = (m: EntityManager, change: TenancyChange) => Promise<unknown>;

/** How long a resolved token is trusted before the database is asked again (revocation lag). */
const AUTH_CACHE_MS = 2000;
const AUTH_CACHE_MAX = 10000;
export const BOOTSTRAP_ADMIN_TOKEN_ID = 'bootstrap-admin';

/** Tenants, their tokens and bearer authentication. */
@Injectable()
export class TenancyService {
  private readonly logger = new Logger(TenancyService.name);
  private readonly authCache = new Map<string, { principal: Principal | null; until: number }>();

  constructor(
    @InjectRepository(TenantEntity) private readonly tenants: Repository<TenantEntity>,
    private readonly tokens: ApiTokenRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly uow: UnitOfWork,
    @Optional() private readonly clock: Clock = new Clock(),
  ) {}

  /** The principal a bearer token stands for, or null (unknown or revoked). */
  async authenticate(token: string): Promise<Principal | null> {
    const hash = hashToken(token);
    const now = this.clock.now();
    const cached = this.authCache.get(hash);
    if (cached && cached.until > now) return cached.principal;
    const row = await this.tokens.findLiveByHash(hash);
    let principal: Principal | null = null;
    if (row) {
      if (row.role === 'tenant') {
        const tenant = row.tenantId ? await this.tenants.findOne({ where: { id: row.tenantId } }) : null;
        if (tenant) principal = { tokenId: row.id, role: 'tenant', tenant: this.toContext(tenant) };
      } else {
        principal = { tokenId: row.id, role: row.role };
      }
    }
    if (this.authCache.size >= AUTH_CACHE_MAX) this.authCache.clear();
    this.authCache.set(hash, { principal, until: now + AUTH_CACHE_MS });
    return principal;
  }

  async createTenant(input: TenantInput & { name: string }, within: WithinChange): Promise<TenantView> {
    const now = Date.now();
    const tenant = this.tenants.create({
      id: randomUUID(),
      name: input.name,
      status: input.status ?? 'active',
      entitlements: this.mergeEntitlements(undefined, input.entitlements),
      mediaPolicy: input.media_policy ?? null,
      rateLimitPerMinute: input.rate_limit_per_minute ?? this.config.defaultRateLimitPerMinute,
      spendLimitNano: spendLimit(input.spend_limit_usd) ?? null,
      createdAt: now,
      updatedAt: now,
    });
    await this.uow.transaction(async (m) => {
      await m.getRepository(TenantEntity).insert(tenant);
      await within(m, { kind: 'tenant.created', tenantId: tenant.id, input });
    });
    return this.toView(tenant);
  }

  async listTenants(): Promise<TenantView[]> {
    return (await this.tenants.find({ order: { createdAt: 'ASC' } })).map((t) => this.toView(t));
  }

  /** id → name of every tenant (for exports). */
  async tenantNames(): Promise<Map<string, string>> {
    const rows = await this.tenants.find({ select: { id: true, name: true } });
    return new Map(rows.map((t) => [t.id, t.name]));
  }

  async getTenant(id: string): Promise<TenantView> {
    return this.toView(await this.tenantOrThrow(id));
  }

  async findTenantByName(name: string): Promise<TenantView | null> {
    const t = await this.tenants.findOne({ where: { name } });
    return t ? this.toView(t) : null;
  }

  async updateTenant(id: string, input: TenantInput, within: WithinChange): Promise<TenantView> {
    const tenant = await this.tenantOrThrow(id);
    if (input.name !== undefined) tenant.name = input.name;
    if (input.status !== undefined) tenant.status = input.status;
    if (input.entitlements !== undefined) tenant.entitlements = this.mergeEntitlements(tenant.entitlements, input.entitlements);
    if (input.media_policy !== undefined) tenant.mediaPolicy = input.media_policy;
    if (input.rate_limit_per_minute !== undefined) tenant.rateLimitPerMinute = input.rate_limit_per_minute;
    if (input.spend_limit_usd !== undefined) tenant.spendLimitNano = spendLimit(input.spend_limit_usd) ?? null;
    tenant.updatedAt = Date.now();
    await this.uow.transaction(async (m) => {
      await m.getRepository(TenantEntity).save(tenant);
      await within(m, { kind: 'tenant.updated', tenantId: id, changes: input });
    });
    this.authCache.clear();
    return this.toView(tenant);
  }

  async issueTenantToken(tenantId: string, name: string, within: WithinChange): Promise<IssuedToken> {
    await this.tenantOrThrow(tenantId);
    return this.issue('tenant', name, tenantId, within);
  }

  async issueStaffToken(role: 'admin' | 'auditor', name: string, within: WithinChange): Promise<IssuedToken> {
    return this.issue(role, name, null, within);
  }

  async listTokens(tenantId?: string): Promise<TokenView[]> {
    const rows = await this.tokens.list(tenantId);
    return rows.map((r) => this.toTokenView(r));
  }

  /** Revokes a token; other instances stop accepting it within AUTH_CACHE_MS. */
  async revokeToken(id: string, within: WithinChange): Promise<TokenView> {
    const row = await this.tokens.findById(id);
    if (!row) throw new DomainError('not_found', `Token \`${id}\` does not exist.`, 'id');
    const alreadyRevoked = row.revokedAt !== null;
    const revokedAt = Date.now();
    if (!alreadyRevoked) row.revokedAt = revokedAt;
    await this.uow.transaction(async (m) => {
      if (!alreadyRevoked) await this.tokens.using(m).revoke(id, revokedAt);
      await within(m, { kind: 'token.revoked', tokenId: id, tenantId: row.tenantId, role: row.role, name: row.name, alreadyRevoked });
    });
    this.authCache.clear();
    return this.toTokenView(row);
  }

  /**
   * ARKGATE_ADMIN_TOKEN at start-up (docs/contract.md §9): unset → nothing changes; a value no row holds → added (and the
   * previous bootstrap token, if live, revoked, each a change handed to `within`: the variable changed); the value of a
   * live row → nothing; the value of a revoked row → stays revoked (revocation through the admin API is final). No start
   * revokes a token otherwise.
   */
  async syncBootstrapAdmin(token: string | undefined, within: WithinChange): Promise<void> {
    if (!token) return;
    const tokenHash = hashToken(token);
    const same = await this.tokens.findByHash(tokenHash);
    const previous = (await this.tokens.findLiveByIdPrefix(BOOTSTRAP_ADMIN_TOKEN_ID)).filter((t) => t.id !== same?.id);
    if (same) {
      if (same.revokedAt !== null) this.logger.warn('ARKGATE_ADMIN_TOKEN names a revoked token; it stays revoked (set a new value)');
      else if (same.role !== 'admin') this.logger.warn('ARKGATE_ADMIN_TOKEN names a token that is not an admin token; it is left as it is');
      // The variable moved away from the live bootstrap token (to an existing one): that one is revoked all the same.
      if (previous.length > 0) await this.uow.transaction((m) => this.revokeBootstrapTokens(m, previous, within));
      return;
    }
    const row = this.tokens.build({
      id:
        previous.length === 0 && !(await this.tokens.idExists(BOOTSTRAP_ADMIN_TOKEN_ID))
          ? BOOTSTRAP_ADMIN_TOKEN_ID
          : `${BOOTSTRAP_ADMIN_TOKEN_ID}-${randomUUID().slice(0, 8)}`,
      tenantId: null,
      role: 'admin',
      name: 'ARKGATE_ADMIN_TOKEN',
      tokenHash,
      tokenPrefix: tokenPrefix(token),
      createdAt: Date.now(),
      revokedAt: null,
    });
    try {
      await this.uow.transaction(async (m) => {
        await this.revokeBootstrapTokens(m, previous, within);
        await this.tokens.using(m).insert(row);
        // The first registration is part of setting up the instance (as before); a replacement is a change.
        if (previous.length > 0) {
          await within(m, { kind: 'token.issued', tokenId: row.id, tenantId: null, role: 'admin', name: row.name, prefix: row.tokenPrefix, bootstrap: true });
        }
      });
    } catch (err) {
      // Another instance starting with the same value got there first.
      if (isUniqueViolation(err) && (await this.tokens.hashExists(tokenHash))) return;
      throw err;
    }
    this.authCache.clear();
    this.logger.log(previous.length > 0 ? 'bootstrap admin token replaced (ARKGATE_ADMIN_TOKEN changed)' : 'bootstrap admin token registered');
  }

  /** Revokes bootstrap tokens replaced by a new ARKGATE_ADMIN_TOKEN, each a change handed to `within`. */
  private async revokeBootstrapTokens(m: EntityManager, rows: ApiTokenEntity[], within: WithinChange): Promise<void> {
    for (const old of rows) {
      if (!(await this.tokens.using(m).revokeIfLive(old.id, Date.now()))) continue;
      await within(m, { kind: 'token.revoked', tokenId: old.id, tenantId: null, role: old.role, name: old.name, reason: 'ARKGATE_ADMIN_TOKEN changed' });
    }
    this.authCache.clear();
  }

  /**
   * A SQL condition (for a statement that writes on the tenant's behalf) that holds while the tenant has no spend limit:
   * checked in the writing statement itself, it orders that write before a limit set concurrently, as a read of "no
   * limit" in `lockSpendLimit` does.
   */
  static hasNoSpendLimit(tenantId: string): { sql: string; params: readonly unknown[] } {
    return { sql: 'NOT EXISTS (SELECT 1 FROM tenants WHERE id = ? AND spend_limit_nano IS NOT NULL)', params: [tenantId] };
  }

  /**
   * The tenant's spend limit in nano-USD (null: none), read inside the caller's transaction with the
   * tenant row locked on PostgreSQL, so concurrent creates of one tenant check the limit one at a time.
   * A tenant without a limit is not locked: the limit is read first without a lock, and only a set limit is read
   * again locked. A create that read "no limit" is ordered before a limit set concurrently (READ COMMITTED: a limit
   * committed before the read is seen), and the creates after that one lock and count it, so creates of tenants
   * without a limit no longer wait for one another.
   */
  async lockSpendLimit(manager: EntityManager, tenantId: string): Promise<bigint | null> {
    const read = async (lock: boolean) => {
      const qb = manager.getRepository(TenantEntity).createQueryBuilder('t').select('t.spend_limit_nano', 'limit').where('t.id = :tenantId', { tenantId });
      if (lock) qb.setLock('pessimistic_write');
      const row = await qb.getRawOne<{ limit: string | number | null }>();
      return row?.limit === null || row?.limit === undefined ? null : BigInt(row.limit);
    };
    if (manager.connection.options.type !== 'postgres') return read(false);
    return (await read(false)) === null ? null : read(true);
  }

  /** True when this token is a live token of that tenant (used to reuse the demo token across restarts). */
  async isLiveTenantToken(tenantId: string, token: string): Promise<boolean> {
    const row = await this.tokens.findLiveByHash(hashToken(token));
    return !!row && row.tenantId === tenantId;
  }

  private async issue(role: Role, name: string, tenantId: string | null, within: WithinChange): Promise<IssuedToken> {
    const token = newToken();
    const row = this.tokens.build({
      id: randomUUID(),
      tenantId,
      role,
      name,
      tokenHash: hashToken(token),
      tokenPrefix: tokenPrefix(token),
      createdAt: Date.now(),
      revokedAt: null,
    });
    await this.uow.transaction(async (m) => {
      await this.tokens.using(m).insert(row);
      await within(m, { kind: 'token.issued', tokenId: row.id, tenantId, role, name, prefix: row.tokenPrefix });
    });
    return { id: row.id, token, name, role, tenant_id: tenantId };
  }

  private async tenantOrThrow(id: string): Promise<TenantEntity> {
    const tenant = await this.tenants.findOne({ where: { id } });
    if (!tenant) throw new DomainError('not_found', `Tenant \`${id}\` does not exist.`, 'id');
    return tenant;
  }

  private mergeEntitlements(current: Entitlements | undefined, patch: Partial<Entitlements> | undefined): Entitlements {
    const base: Entitlements = current ?? { video_generation: true, asset_library: true, models: [...DEFAULT_TENANT_MODELS] };
    return {
      video_generation: patch?.video_generation ?? base.video_generation,
      asset_library: patch?.asset_library ?? base.asset_library,
      models: patch?.models ? [...new Set(patch.models)] : base.models,
    };
  }

  private effectiveMediaPolicy(tenant: TenantEntity): MediaPolicy {
    return tenant.mediaPolicy ?? (this.config.profile === 'phanedge' ? 'asset_only' : 'any');
  }

  /** The auth path: the tenant row behind a live token is where a caller's `TenantId` comes from. */
  private toContext(t: TenantEntity): TenantContext {
    return {
      id: tenantIdFromTrustedRow(t.id),
      name: t.name,
      status: t.status,
      entitlements: t.entitlements,
      mediaPolicy: this.effectiveMediaPolicy(t),
      rateLimitPerMinute: t.rateLimitPerMinute,
    };
  }

  private toView(t: TenantEntity): TenantView {
    return {
      id: t.id,
      name: t.name,
      status: t.status,
      entitlements: t.entitlements,
      media_policy: this.effectiveMediaPolicy(t),
      rate_limit_per_minute: t.rateLimitPerMinute,
      spend_limit_usd: t.spendLimitNano === null ? null : formatUsd(BigInt(t.spendLimitNano)),
      created_at: isoTime(t.createdAt),
      updated_at: isoTime(t.updatedAt),
    };
  }

  private toTokenView(r: ApiTokenEntity): TokenView {
    return {
      id: r.id,
      name: r.name,
      role: r.role,
      tenant_id: r.tenantId,
      prefix: r.tokenPrefix,
      created_at: isoTime(r.createdAt),
      revoked_at: isoTimeOrNull(r.revokedAt),
    };
  }
}

function spendLimit(usd: string | null | undefined): string | null | undefined {
  if (usd === undefined || usd === null) return usd;
  try {
    return parseUsd(usd).toString();
  } catch {
    throw DomainError.invalid('spend_limit_usd', 'spend_limit_usd must be a decimal USD amount such as "250.00", or null.');
  }
}
