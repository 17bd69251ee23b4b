import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AuditorApi } from '../tenancy/auth/api-auth.decorators';
import { AuditService } from './audit.service';
import { AuditEventsQueryDto, TaskExportQueryDto } from './dto/audit-queries.dto';
import { TaskExportService } from './task-export.service';
import { schemaOf } from '../common/openapi/schema-of';

const EVENT_EXAMPLE = {
  id: '1f0c7a2e-9d4b-4c35-9a8e-2b1d3c4e5f60',
  seq: 42,
  occurred_at: '2026-06-11T20:41:21.000Z',
  actor: { token_id: '5f1c2b3a-7d5e-4c1b-9a0e-2b3c4d5e6f70', role: 'tenant' },
  tenant_id: '0b8e0a3c-6c44-4a3e-9b3c-1f9a0c7d1e2f',
  action: 'task.create',
  target_id: 'cgt-20260611204121-462cw',
  outcome: { status: 200, error_code: null },
  request_id: '20260611204121A1B2C3D4E5F60718293A',
  client_ip: '203.0.113.7',
  properties: {
    model: 'dreamina-seedance-2-0',
    upstream_request: {
      model: 'dreamina-seedance-2-0-260128',
      content: [{ type: 'text', text: 'A quiet cinematic shot…' }],
      resolution: '4k',
      callback_url: 'https://example.com/volcark/callback',
    },
  },
  prev_hash: '9b74c9897bac770ffc029102a200c5de…',
  hash: '4e07408562bedb8b60ce05c1decfe3ad…',
  hash_kind: 'hmac-sha256',
};

@ApiTags('audit')
@AuditorApi()
@Controller('audit')
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly exports: TaskExportService,
  ) {}

  @Get('events')
  @ApiOperation({
    summary: 'Audit events, newest first, with filters and cursor pagination (auditor or admin)',
    description: 'Every state change and refusal, hash-chained. Pass `next_cursor` back as `cursor` for the next page; it is null on the last page.',
  })
  @ApiOkResponse({ description: 'A page of events.', schema: schemaOf({ items: [EVENT_EXAMPLE], next_cursor: '41' }) })
  events(@Query() q: AuditEventsQueryDto) {
    return this.audit.list({
      tenantId: q.tenant_id,
      action: q.action,
      actor: q.actor,
      requestId: q.request_id,
      from: q.from ? Date.parse(q.from) : undefined,
      to: q.to ? Date.parse(q.to) : undefined,
      cursor: q.cursor,
      limit: q.limit ?? 100,
    });
  }

  @Get('verify')
  @ApiOperation({
    summary: 'Recompute the hash chain and report the first broken link',
    description:
      'kind: `edited` (an event no longer matches its hash), `removed` (a prev_hash does not match: an event was deleted or reordered), ' +
      "`re-chained` (hashes consistent as plain SHA-256, but ARKGATE_AUDIT_KEY says they are not the gateway's: an edit re-hashed by a " +
      'writer without the key), `truncated` (the newest events are gone). Without ARKGATE_AUDIT_KEY, keyed events are checked for their links only.',
  })
  @ApiOkResponse({
    description: 'The verdict; `first_broken` is null when the chain is intact.',
    schema: schemaOf({
      ok: false,
      events_checked: 41,
      first_broken: {
        seq: 42,
        id: '1f0c7a2e-…',
        kind: 're-chained',
        reason: 'the event was changed after it was written and its hash recomputed without ARKGATE_AUDIT_KEY …',
      },
      audit_key: 'configured',
      keyed_from_seq: 1,
      unverified_keyed_events: 0,
    }),
  })
  verify() {
    return this.audit.verify();
  }

  @Get('tasks/export')
  @ApiOperation({
    summary: 'Every task record with its cost, streamed as CSV or NDJSON (hidden tasks included)',
    description:
      'For reconciling with BytePlus invoices: one row per record with its tenant, model, status, tokens, SKU and amount. ' +
      'An export that fails before its first byte answers in the error shape (503 with Retry-After when the database is out of reach, else 500); ' +
      'one that fails midway ends the download with an error, never a short file that looks whole.',
  })
  @ApiProduces('text/csv', 'application/x-ndjson')
  @ApiOkResponse({
    description: 'One row per task record.',
    content: {
      'text/csv': {
        schema: { type: 'string', example: 'task_id,record_id,tenant_id,tenant_name,model,…\ncgt-20260611204121-462cw,…,dreamina-seedance-2-0,…' },
      },
      'application/json': { schema: { type: 'string', description: 'NDJSON: one JSON object per line with the same columns.' } },
    },
  })
  async export(@Query() q: TaskExportQueryDto): Promise<StreamableFile> {
    const { stream, type, filename } = await this.exports.stream(q);
    return new StreamableFile(stream, { type, disposition: `attachment; filename="${filename}"` });
  }
}
