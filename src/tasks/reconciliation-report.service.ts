import { Inject, Injectable, Logger } from '@nestjs/common';
import { isoTime as iso } from '../common/iso-time';
import { ArkDataClient, ArkTask } from '@arkgate/byteplus';
import { BillingService } from '../billing/billing.service';
import { formatUsd } from '../common/money';
import { CatalogService } from '../catalog/catalog.service';
import { systemContext } from '../common/http/request-context';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { AssetReconciler } from '../assets/asset-reconciler.service';
import { TaskCrossTenantReader } from './task-cross-tenant.reader';

/** Upstream keeps tasks 7 days (docs/contract.md §8): the view looks that far back. */
const WINDOW_MS = 7 * 24 * 3600 * 1000;
const PAGE_SIZE = 500;
/** At most this many upstream pages (20,000 tasks) per view. */
const MAX_PAGES = 40;
const MAX_UNRESOLVED = 1000;

/**
 * The operator's view of unattributed spend (docs/contract.md §9, GET /admin/reconciliation): records whose upstream outcome
 * is unresolved or was given up on, and upstream tasks of the last 7 days that no record owns ("orphans"), with
 * their token usage and what they cost at today's list price; and asset-library creates (groups, assets) whose
 * upstream outcome is unknown or was left unresolved.
 */
@Injectable()
export class ReconciliationReport {
  private readonly logger = new Logger(ReconciliationReport.name);

  constructor(
    private readonly crossTenant: TaskCrossTenantReader,
    private readonly ark: ArkDataClient,
    private readonly catalog: CatalogService,
    private readonly billing: BillingService,
    private readonly assetReconciler: AssetReconciler,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async report(): Promise<Record<string, unknown>> {
    const now = Date.now();
    const since = now - WINDOW_MS;
    const staleBefore = now - (this.config.ark.timeoutMs + this.config.reconcile.graceMs);
    const rows = await this.crossTenant.unresolved(since, staleBefore, MAX_UNRESOLVED);
    const unresolved = rows.map((r) => ({
      record_id: r.id,
      tenant_id: r.tenantId,
      created_at: iso(r.createdAt),
      model: r.model,
      upstream_model: r.upstreamModel,
      request_id: r.requestId,
      status: r.status,
      reason: r.reconcileReason ?? (r.status === 'submitting' ? 'stale_submitting' : 'resolving'),
      error_code: r.errorCode,
      upstream_task_id: r.taskId,
    }));
    const assetSubmissions = await this.assetReconciler.unresolvedAcrossTenants(since, staleBefore, MAX_UNRESOLVED);

    let orphans: Record<string, unknown>[] | null = null;
    let listingError: string | null = null;
    let tokens = 0;
    let cost = 0n;
    try {
      const listed = await this.listSince(since);
      const owned = await this.crossTenant.ownedTaskIds(listed.map((t) => t.id));
      orphans = [];
      for (const t of listed.filter((x) => !owned.has(x.id))) {
        const view = await this.orphanView(t);
        tokens += typeof t.usage?.completion_tokens === 'number' ? t.usage.completion_tokens : 0;
        if (typeof view.list_price_nano === 'bigint') cost += view.list_price_nano;
        delete view.list_price_nano;
        orphans.push(view);
      }
    } catch (err) {
      listingError = (err as Error).message;
      this.logger.warn(`listing upstream tasks for the reconciliation view failed: ${listingError}`);
    }
    return {
      generated_at: iso(now),
      since: iso(since),
      unresolved,
      asset_submissions: assetSubmissions,
      orphans,
      orphan_totals: orphans ? { tasks: orphans.length, completion_tokens: tokens, list_price_usd: formatUsd(cost) } : null,
      upstream_listing_error: listingError,
    };
  }

  private async orphanView(t: ArkTask): Promise<Record<string, unknown>> {
    const upstreamModel = typeof t.model === 'string' ? t.model : null;
    const model = upstreamModel ? await this.catalog.stableModelForUpstream(upstreamModel) : undefined;
    const usage = typeof t.usage?.completion_tokens === 'number' ? t.usage.completion_tokens : null;
    const view: Record<string, unknown> = {
      task_id: t.id,
      upstream_model: upstreamModel,
      model: model ?? null,
      status: t.status,
      created_at: typeof t.created_at === 'number' ? iso(t.created_at * 1000) : null,
      resolution: t.resolution ?? null,
      ratio: t.ratio ?? null,
      duration: t.duration ?? null,
      completion_tokens: usage,
      sku: null,
      list_price_usd: null,
      note: null,
    };
    if (!model) {
      view.note = 'upstream model unknown to arkgate: no price';
    } else if (usage !== null) {
      try {
        // Whether the request had a video input cannot be read back from the task: the novideo SKU is assumed.
        const { sku, amountNano } = await this.billing.listPriceNano({ model, resolution: t.resolution ?? '720p', hasVideoInput: false, tokens: usage });
        Object.assign(view, { sku, list_price_usd: formatUsd(amountNano), note: 'novideo assumed', list_price_nano: amountNano });
      } catch {
        view.note = 'no SKU for this task';
      }
    } else {
      view.note = 'no usage reported (not succeeded)';
    }
    return view;
  }

  /** Every upstream task created since `since`, newest first until a page is entirely older. */
  private async listSince(since: number): Promise<ArkTask[]> {
    const ctx = systemContext();
    const found: ArkTask[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const { items } = await this.ark.listTasks({ page_num: page, page_size: PAGE_SIZE }, { requestId: ctx.requestId });
      for (const t of items) if ((t.created_at ?? 0) * 1000 >= since) found.push(t);
      if (items.length < PAGE_SIZE || items.every((t) => (t.created_at ?? 0) * 1000 < since)) break;
    }
    return found;
  }
}
