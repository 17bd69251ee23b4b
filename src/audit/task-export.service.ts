import { Injectable } from '@nestjs/common';
import { isoTimeOrNull as iso } from '../common/iso-time';
import { stringify } from 'csv-stringify';
import { Readable } from 'node:stream';
import { BillingService } from '../billing/billing.service';
import { formatUsd } from '../common/money';
import { stableNameOf } from '../catalog/catalog-rules';
import { DomainError } from '../common/errors/domain-error';
import { TaskLogService } from '../tasks/task-log.service';
import type { TaskRecordFilter } from '../tasks/task-record-filter';
import { TenancyService } from '../tenancy/tenancy.service';
import { staffFilterScope, TenantScope } from '../common/tenant-identity/tenant-scope';
import type { TaskExportQueryDto } from './dto/audit-queries.dto';
import { redact } from './redact';

/** The columns of an export row, in order. */
export const EXPORT_COLUMNS = [
  'task_id',
  'record_id',
  'tenant_id',
  'tenant_name',
  'model',
  'upstream_model',
  'status',
  'resolution',
  'ratio',
  'duration',
  'video_input',
  'sku',
  'tokens',
  'unit_price_usd_per_million_tokens',
  'amount_usd',
  'created_at',
  'finished_at',
  'safety_identifier',
  'callback_url',
  'hidden_by_tenant',
  'error_code',
  'request_id',
] as const;
type ExportRow = Record<(typeof EXPORT_COLUMNS)[number], string | number | boolean | null>;

/**
 * A row as it leaves the gateway: through the same `redact` as audit events, so a callback URL's
 * `token=`, `sig=` or `api_key=` (and any other secret a field may carry) reads the same in both.
 */
export function exportRow(row: ExportRow): ExportRow {
  return redact(row) as ExportRow;
}

/**
 * Every task record with its cost, streamed page by page (constant memory): CSV through csv-stringify,
 * or NDJSON. Hidden (deleted by the tenant) tasks are included and flagged.
 */
@Injectable()
export class TaskExportService {
  constructor(
    private readonly tasks: TaskLogService,
    private readonly billing: BillingService,
    private readonly tenancy: TenancyService,
  ) {}

  stream(query: TaskExportQueryDto): { stream: Readable; type: string; filename: string } {
    const format = query.format ?? 'csv';
    const scope = staffFilterScope(query.tenant_id);
    const filter: TaskRecordFilter = {
      from: query.from ? Date.parse(query.from) : undefined,
      to: query.to ? Date.parse(query.to) : undefined,
      status: query.status,
      model: query.model === undefined ? undefined : stableNameOf(query.model),
    };
    if (query.model !== undefined && !filter.model) throw DomainError.invalid('model', `model \`${query.model}\` is not a model name.`);
    const rows = Readable.from(this.rows(scope, filter));
    if (format === 'ndjson') {
      const lines = Readable.from(
        (async function* () {
          for await (const row of rows) yield `${JSON.stringify(row)}\n`;
        })(),
      );
      return { stream: lines, type: 'application/x-ndjson', filename: 'tasks.ndjson' };
    }
    const csv = stringify({ header: true, columns: [...EXPORT_COLUMNS], cast: { boolean: (b) => (b ? 'true' : 'false') } });
    rows.on('error', (err) => csv.destroy(err));
    return { stream: rows.pipe(csv), type: 'text/csv; charset=utf-8', filename: 'tasks.csv' };
  }

  private async *rows(scope: TenantScope, filter: TaskRecordFilter): AsyncGenerator<ExportRow> {
    const names = await this.tenancy.tenantNames();
    for await (const page of this.tasks.exportRecords(scope, filter)) {
      // Let other requests run between pages: SQLite answers synchronously, so without a turn of the
      // event loop a long export would hold the whole gateway.
      await new Promise((resolve) => setImmediate(resolve));
      const charges = await this.billing.entriesForTasks(
        scope,
        page.map((t) => t.id),
      );
      for (const t of page) {
        const charge = charges.get(t.id);
        const finalResolution = typeof t.upstreamTask?.resolution === 'string' ? t.upstreamTask.resolution : t.resolution;
        yield exportRow({
          task_id: t.taskId,
          record_id: t.id,
          tenant_id: t.tenantId,
          tenant_name: names.get(t.tenantId) ?? null,
          model: t.model,
          upstream_model: t.upstreamModel,
          status: t.status,
          resolution: finalResolution,
          ratio: t.ratio,
          duration: t.duration,
          video_input: t.hasVideoInput,
          sku: charge?.sku ?? null,
          tokens: charge ? Number(charge.tokens) : null,
          unit_price_usd_per_million_tokens: charge ? formatUsd(BigInt(charge.nanoPerMillion)) : null,
          amount_usd: charge ? formatUsd(BigInt(charge.amountNano)) : null,
          created_at: iso(t.createdAt),
          finished_at: iso(t.finishedAt),
          safety_identifier: t.safetyIdentifier,
          callback_url: t.callbackUrl,
          hidden_by_tenant: t.hiddenAt !== null,
          error_code: t.errorCode,
          request_id: t.requestId,
        });
      }
    }
  }
}
