import { Injectable } from '@nestjs/common';
import { isoTimeOrNull as iso } from '../common/iso-time';
import { BillingService } from '../billing/billing.service';
import { formatUsd } from '../common/money';
import { stableNameOf } from '../catalog/catalog-rules';
import { DomainError } from '../common/errors/domain-error';
import type { AdminTasksQuery } from './dto/admin-tasks.query';
import { decodeTaskLogCursor, encodeTaskLogCursor } from './task-log-cursor';
import type { TaskEntity } from './task.entity';
import { ALL_TENANTS, staffFilterScope, TenantScope } from '../common/tenant-identity/tenant-scope';
import { TaskCrossTenantReader } from './task-cross-tenant.reader';
import type { TaskExportRow } from './task-export-row';
import type { ExportPlan, ExportSource } from './export-pages';
import type { TaskRecordFilter } from './task-record-filter';

/**
 * The admin task log (`GET /admin/tasks`): every tenant's task records, newest first, filtered and
 * cursor-paginated; and the auditor export's pages of them. Reads across tenants, so staff-only, and read-only.
 */
@Injectable()
export class TaskLogService {
  constructor(
    private readonly crossTenant: TaskCrossTenantReader,
    private readonly billing: BillingService,
  ) {}

  async pageAcrossTenants(q: AdminTasksQuery): Promise<{ items: Record<string, unknown>[]; next_cursor: string | null }> {
    const before = q.cursor === undefined ? null : decodeTaskLogCursor(q.cursor);
    if (q.cursor !== undefined && !before) throw DomainError.invalid('cursor', 'cursor must be the next_cursor of a previous page.');
    const from = q.from === undefined ? undefined : Date.parse(q.from);
    const to = q.to === undefined ? undefined : Date.parse(q.to);
    if (from !== undefined && to !== undefined && !(from < to)) throw DomainError.invalid('from', 'from must be before to.');
    const model = q.model === undefined ? undefined : stableNameOf(q.model);
    if (q.model !== undefined && !model) throw DomainError.invalid('model', `model \`${q.model}\` is not a model name.`);
    const limit = q.limit ?? 50;
    const scope = staffFilterScope(q.tenant_id);
    const rows = await this.crossTenant.logPage(scope, { from, to, status: q.status, model }, before, limit + 1);
    const page = rows.slice(0, limit);
    const charges = await this.billing.entriesForTasks(
      scope,
      page.map((t) => t.id),
    );
    const last = page[page.length - 1];
    return {
      items: page.map((t) => ({ ...summary(t), amount_usd: amountOf(charges.get(t.id)) })),
      next_cursor: rows.length > limit ? encodeTaskLogCursor({ createdAt: last.createdAt, id: last.id }) : null,
    };
  }

  /**
   * Every task record of the scope matching the filter, oldest first, in batches (hidden ones included), each with
   * its charge, read on the shared connection: for SQLite in memory (exportSource is null there).
   */
  exportRecords(scope: TenantScope, filter: TaskRecordFilter): AsyncGenerator<TaskExportRow[]> {
    return this.crossTenant.exportRecords(scope, filter);
  }

  /**
   * The same records' reads for a connection of the caller's own (the auditor export's worker), with what it needs
   * to open one: the database file on SQLite, the connection settings on PostgreSQL. Null on SQLite in memory, which
   * no other connection can open.
   */
  exportSource(scope: TenantScope, filter: TaskRecordFilter): { source: ExportSource; plan: ExportPlan } | null {
    const source = this.crossTenant.exportSource();
    return source && { source, plan: this.crossTenant.exportPlan(scope, filter) };
  }

  /** One record with what was sent upstream, what upstream last said and its charge. */
  async getAcrossTenants(id: string): Promise<Record<string, unknown>> {
    const row = await this.crossTenant.findByAnyId(id);
    if (!row) throw new DomainError('task_not_found', `Task \`${id}\` does not exist.`, 'id');
    const charge = (await this.billing.entriesForTasks(ALL_TENANTS, [row.id])).get(row.id);
    return {
      ...summary(row),
      amount_usd: amountOf(charge),
      sku: charge?.sku ?? null,
      tokens: charge ? Number(charge.tokens) : null,
      unit_price_usd_per_million_tokens: charge ? formatUsd(BigInt(charge.nanoPerMillion)) : null,
      safety_identifier: row.safetyIdentifier,
      callback_url: row.callbackUrl,
      upstream_request: row.upstreamRequest,
      upstream_task: row.upstreamTask,
    };
  }
}

function summary(t: TaskEntity): Record<string, unknown> {
  return {
    id: t.id,
    task_id: t.taskId,
    tenant_id: t.tenantId,
    model: t.model,
    upstream_model: t.upstreamModel,
    status: t.status,
    resolution: t.resolution,
    ratio: t.ratio,
    duration: t.duration,
    video_input: t.hasVideoInput,
    error_code: t.errorCode,
    request_id: t.requestId,
    hidden_by_tenant: t.hiddenAt !== null,
    created_at: iso(t.createdAt),
    updated_at: iso(t.updatedAt),
    finished_at: iso(t.finishedAt),
  };
}

function amountOf(charge: { amountNano: string } | undefined): string | null {
  return charge ? formatUsd(BigInt(charge.amountNano)) : null;
}
