import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { stableNameOf } from '../catalog/catalog-rules';
import { DomainError } from '../common/errors/domain-error';
import { TaskLogService } from '../tasks/task-log.service';
import type { TaskRecordFilter } from '../tasks/task-record-filter';
import { TenancyService } from '../tenancy/tenancy.service';
import { staffFilterScope } from '../common/tenant-identity/tenant-scope';
import type { TaskExportQueryDto } from './dto/audit-queries.dto';
import { exportChunks } from './export-lines';
import { ExportWorkers } from './export-workers';

/**
 * Every task record with its cost, streamed page by page (constant memory), as CSV or NDJSON (the lines:
 * export-lines.ts). Hidden (deleted by the tenant) tasks are included and flagged.
 *
 * The export runs on worker threads (ExportWorkers), which read the pages on connections of their own, except on
 * SQLite in memory, which no other connection can open: there on the gateway's thread, page by page. Either way the text goes out in chunks of a few tens of KB,
 * each read only once the response has taken the ones before (backpressure), so nothing piles up however long the
 * export; chunks that small are short-lived young-generation strings.
 */
@Injectable()
export class TaskExportService {
  constructor(
    private readonly tasks: TaskLogService,
    private readonly tenancy: TenancyService,
    private readonly workers: ExportWorkers,
  ) {}

  async stream(query: TaskExportQueryDto): Promise<{ stream: Readable; type: string; filename: string }> {
    const format = query.format ?? 'csv';
    const scope = staffFilterScope(query.tenant_id);
    const filter: TaskRecordFilter = {
      from: query.from ? Date.parse(query.from) : undefined,
      to: query.to ? Date.parse(query.to) : undefined,
      status: query.status,
      model: query.model === undefined ? undefined : stableNameOf(query.model),
    };
    if (query.model !== undefined && !filter.model) throw DomainError.invalid('model', `model \`${query.model}\` is not a model name.`);
    const tenantNames = await this.tenancy.tenantNames();
    const own = this.tasks.exportSource(scope, filter);
    const stream = own
      ? this.workers.stream({ ...own, tenantNames: [...tenantNames], format })
      : // One chunk at a time ahead of the response (which holds the one it is writing).
        Readable.from(exportChunks(this.tasks.exportRecords(scope, filter), tenantNames, format), { highWaterMark: 1 });
    await started(stream);
    return format === 'ndjson'
      ? { stream, type: 'application/x-ndjson', filename: 'tasks.ndjson' }
      : { stream, type: 'text/csv; charset=utf-8', filename: 'tasks.csv' };
  }
}

/**
 * Resolves once the stream has its first chunk (or has ended); rejects with its failure before that, a database out of
 * reach or a read refused, so that failure is answered as any error is (503 with Retry-After, or 500, in the native
 * shape, and audited) rather than as a 200 cut short. A failure after the first chunk ends the response early.
 */
function started(stream: Readable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const settle = (err?: Error) => {
      stream.off('readable', onReadable).off('error', onError);
      if (err) reject(err);
      else resolve();
    };
    const onReadable = () => settle();
    const onError = (err: Error) => settle(err);
    stream.on('readable', onReadable).on('error', onError);
  });
}
