import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { ArkOpenApiClient } from '@arkgate/byteplus';
import { AuditService } from '../audit/audit.service';
import type { RequestContext } from '../common/http/request-context';
import { systemContext } from '../common/http/request-context';
import { ShutdownState } from '../common/lifecycle/shutdown-state';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { isUniqueViolation } from '../database/unique-violation';
import { UnitOfWork } from '../database/unit-of-work';
import { AssetCrossTenantReader } from './asset-cross-tenant.reader';
import { AssetGroupRepository } from './asset-group.repository';
import { AssetRepository } from './asset.repository';
import { Candidate, decide, matchWindow, requestKey, upstreamKey } from './asset-match';
import { AssetSubmissionEntity } from './asset-submission.entity';
import { AssetSubmissionRepository } from './asset-submission.repository';
import { AssetType } from './asset.entity';
import { UnresolvedAssetSubmission, UnresolvedAssetSubmissionsReader } from './unresolved-asset-submissions.reader';

/** Most submissions one round leases. */
const BATCH = 50;
const LIST_PAGE_SIZE = 100;
const MAX_LIST_PAGES = 20;
/** A `submitting` record older than the upstream timeout plus this is an instance's crash, not a call in flight. */
const STALE_SUBMITTING_EXTRA_MS = 30_000;

export type Resolution = { state: 'attached'; upstreamId: string } | { state: 'open' } | { state: 'rejected' } | { state: 'unresolved' };

/**
 * Resolves asset-library creates whose upstream outcome is unknown (docs/contract.md §9, applied to groups and assets): lists
 * upstream (ListAssetGroups / ListAssets filtered by name and group, newest first, back to the record's window),
 * attaches the one match to the record's tenant, marks the record rejected when a listing made after its window
 * found nothing, and leaves it for the operator (`unresolved`) past ARKGATE_RECONCILE_DEADLINE_S. Used inline by
 * a create for up to ARKGATE_RECONCILE_INLINE_MS, and as a background job every ARKGATE_RECONCILE_INTERVAL_MS,
 * lease-safe across instances; it claims nothing once shutdown begins and releases its leases on close.
 */
@Injectable()
export class AssetReconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AssetReconciler.name);
  readonly owner = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  private timer?: NodeJS.Timeout;
  private current?: Promise<unknown>;
  private stopped = true;

  constructor(
    private readonly submissions: AssetSubmissionRepository,
    private readonly groups: AssetGroupRepository,
    private readonly assets: AssetRepository,
    private readonly crossTenant: AssetCrossTenantReader,
    private readonly unresolvedSubmissions: UnresolvedAssetSubmissionsReader,
    private readonly openApi: ArkOpenApiClient,
    private readonly audit: AuditService,
    private readonly uow: UnitOfWork,
    private readonly shutdown: ShutdownState,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    shutdown.onBegin(() => this.stop());
  }

  onApplicationBootstrap(): void {
    if (!this.config.reconcile.enabled || !this.config.ark.accessKeyId || !this.config.ark.secretAccessKey) return;
    this.stopped = false;
    this.schedule();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stop();
    await this.current?.catch(() => undefined);
    try {
      await this.crossTenant.releaseSubmissionLeases(this.owner);
    } catch (err) {
      this.logger.warn(`could not release reconciliation leases on shutdown (they expire by themselves): ${(err as Error).message}`);
    }
  }

  /**
   * The operator's reconciliation view (docs/contract.md §9): creates of every tenant since `since` whose outcome is
   * still unknown, still `submitting` although created before `staleBefore`, or left unresolved; secrets redacted.
   */
  unresolvedAcrossTenants(since: number, staleBefore: number, limit: number): Promise<UnresolvedAssetSubmission[]> {
    return this.unresolvedSubmissions.listAcrossTenants(since, staleBefore, limit);
  }

  /** One background round: lease open submissions and try to resolve each. Returns how many it looked at. */
  async runOnce(now = Date.now()): Promise<number> {
    if (this.shutdown.draining) return 0;
    const staleBefore = now - (this.config.ark.timeoutMs + STALE_SUBMITTING_EXTRA_MS);
    const leaseUntil = now + this.config.ark.timeoutMs * 2 + 30_000;
    const claimed = await this.crossTenant.claimOpenSubmissions(this.owner, now, leaseUntil, staleBefore, BATCH);
    for (const sub of claimed) {
      try {
        await this.resolve(sub, systemContext(), 'asset.recovered');
      } catch (err) {
        this.logger.warn(`reconciliation of asset submission ${sub.id} failed: ${(err as Error).message}`);
      } finally {
        await this.submissions.releaseLease(sub.tenantId, sub.id, this.owner).catch(() => undefined);
      }
    }
    return claimed.length;
  }

  /**
   * One attempt at resolving `sub`. `action` is the audit action written when it gets attached: the create's own
   * action when a request resolves it inline, `asset.recovered` when the background job does.
   */
  async resolve(sub: AssetSubmissionEntity, ctx: RequestContext, action: string): Promise<Resolution> {
    const now = Date.now();
    const window = matchWindow(sub.createdAt, this.config.ark.timeoutMs);
    let candidates: Candidate[];
    try {
      candidates = await this.unownedCandidates(sub, window.from);
    } catch (err) {
      this.logger.warn(`listing upstream for asset submission ${sub.id} failed: ${(err as Error).message}`);
      return this.pastDeadline(sub, now, `upstream listing failed: ${(err as Error).message}`);
    }
    const open = await this.crossTenant.openSubmissionsCreatedBetween(sub.kind, window.from - (window.to - window.from), window.to);
    const record = { id: sub.id, tenantId: sub.tenantId, createdAt: sub.createdAt, key: requestKey(sub.kind, sub.upstreamRequest) };
    const decision = decide(
      record,
      candidates,
      open.map((o) => ({ id: o.id, tenantId: o.tenantId, createdAt: o.createdAt, key: requestKey(o.kind, o.upstreamRequest) })),
      this.config.ark.timeoutMs,
    );
    if (decision.kind === 'attach') {
      return (await this.attach(sub, decision.upstreamId, ctx, action)) ? { state: 'attached', upstreamId: decision.upstreamId } : { state: 'open' };
    }
    if (decision.kind === 'none' && now > window.to) {
      await this.submissions.settle(sub.tenantId, sub.id, { status: 'rejected', reason: 'not found upstream by a listing made after its window closed' });
      this.logger.warn(`asset submission ${sub.id} was not created upstream; marked rejected`);
      return { state: 'rejected' };
    }
    return this.pastDeadline(sub, now, decision.kind === 'ambiguous' ? decision.reason : 'not found upstream yet');
  }

  /**
   * Records the upstream object as the tenant's group or asset and settles the submission, in one transaction with
   * its audit event. False when another path attached it first.
   */
  async attach(sub: AssetSubmissionEntity, upstreamId: string, ctx: RequestContext, action: string, extra: Record<string, unknown> = {}): Promise<boolean> {
    const sent = sub.upstreamRequest;
    const now = Date.now();
    try {
      await this.uow.transaction(async (m) => {
        if (!(await this.submissions.using(m).settle(sub.tenantId, sub.id, { status: 'attached', upstreamId }))) throw new AlreadySettled();
        if (sub.kind === 'group') {
          await this.groups.using(m).insert(sub.tenantId, {
            id: upstreamId,
            name: String(sent.Name),
            description: typeof sent.Description === 'string' ? sent.Description : null,
            groupType: 'AIGC',
            model: sub.model,
            requestId: sub.requestId,
            createdAt: sub.createdAt,
            updatedAt: now,
          });
        } else {
          await this.assets.using(m).insert(sub.tenantId, {
            id: upstreamId,
            groupId: String(sent.GroupId),
            name: typeof sent.Name === 'string' ? sent.Name : null,
            assetType: sent.AssetType as AssetType,
            sourceUrl: String(sent.URL),
            upstreamUrl: null,
            status: 'Processing',
            errorCode: null,
            errorMessage: null,
            model: sub.model,
            requestId: sub.requestId,
            createdAt: sub.createdAt,
            updatedAt: now,
          });
        }
        const properties =
          sub.kind === 'group'
            ? { name: sent.Name, model: sub.model }
            : { group_id: sent.GroupId, asset_type: sent.AssetType, url: sent.URL, model: sub.model };
        await this.audit.record(m, {
          action,
          ctx,
          tenantId: sub.tenantId,
          targetId: upstreamId,
          outcome: { status: 200 },
          properties: {
            ...properties,
            ...extra,
            ...(action === 'asset.recovered' ? { kind: sub.kind, submission_id: sub.id, request_id: sub.requestId } : {}),
          },
        });
      });
      return true;
    } catch (err) {
      if (err instanceof AlreadySettled || isUniqueViolation(err)) return false;
      throw err;
    }
  }

  private async pastDeadline(sub: AssetSubmissionEntity, now: number, reason: string): Promise<Resolution> {
    if (now - sub.createdAt < this.config.reconcile.deadlineMs) return { state: 'open' };
    await this.submissions.settle(sub.tenantId, sub.id, { status: 'unresolved', reason });
    this.logger.warn(`asset submission ${sub.id} still unresolved at the deadline (${reason}); left for the operator`);
    return { state: 'unresolved' };
  }

  /** Upstream objects with the record's parameters, newest first back to `from`, that no record owns. */
  private async unownedCandidates(sub: AssetSubmissionEntity, from: number): Promise<Candidate[]> {
    const sent = sub.upstreamRequest;
    const out: Candidate[] = [];
    for (let page = 1; page <= MAX_LIST_PAGES; page++) {
      const paging = {
        PageNumber: page,
        PageSize: LIST_PAGE_SIZE,
        SortBy: 'CreateTime' as const,
        SortOrder: 'Desc' as const,
        ProjectName: this.config.ark.projectName,
      };
      const listed =
        sub.kind === 'group'
          ? (await this.openApi.listAssetGroups({ ...paging, Filter: { Name: String(sent.Name) } })).Result
          : (
              await this.openApi.listAssets({
                ...paging,
                Filter: { GroupIds: [String(sent.GroupId)], ...(typeof sent.Name === 'string' && sent.Name ? { Name: sent.Name } : {}) },
              })
            ).Result;
      let older = false;
      for (const item of listed.Items as unknown as Array<Record<string, unknown>>) {
        const createdAtMs = Date.parse(String(item.CreateTime));
        if (!(createdAtMs >= from)) {
          older = true;
          continue;
        }
        const id = String(item.Id);
        if (await this.isOwned(sub, id)) continue;
        out.push({ id, createdAtMs, key: upstreamKey(sub.kind, item) });
      }
      if (older || listed.Items.length < LIST_PAGE_SIZE || page * LIST_PAGE_SIZE >= listed.TotalCount) break;
    }
    return out;
  }

  private isOwned(sub: AssetSubmissionEntity, upstreamId: string): Promise<boolean> {
    return this.crossTenant.isOwned(sub.kind, upstreamId);
  }

  private stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.current = this.runOnce()
        .catch((err) => this.logger.error(`asset reconciliation round failed: ${(err as Error).message}`))
        .then(() => this.schedule());
    }, this.config.reconcile.intervalMs);
    this.timer.unref();
  }
}

class AlreadySettled extends Error {}
