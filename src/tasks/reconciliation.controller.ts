import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditorApi } from '../tenancy/auth/api-auth.decorators';
import { ReconciliationReport } from './reconciliation-report.service';
import { schemaOf } from '../common/openapi/schema-of';

const EXAMPLE = {
  generated_at: '2026-11-30T03:30:00.000Z',
  since: '2026-11-23T03:30:00.000Z',
  unresolved: [
    {
      record_id: '3f1c2a9e-8d4b-4a8f-9c51-2b7e0c6d1a42',
      tenant_id: '9a0d5c1e-2f3b-4c6d-8e7f-0a1b2c3d4e5f',
      created_at: '2026-11-30T03:12:04.118Z',
      model: 'dreamina-seedance-2-0',
      upstream_model: 'dreamina-seedance-2-0-260128',
      request_id: '20261130031204A1B2C3D4E5F60718293A4B',
      status: 'unknown',
      reason: 'ambiguous',
      error_code: 'outcome_unknown_timeout',
      upstream_task_id: null,
    },
  ],
  asset_submissions: [
    {
      submission_id: '6b2e9f14-0c7a-4d3b-a1e8-5f9c2d7b4e60',
      tenant_id: '9a0d5c1e-2f3b-4c6d-8e7f-0a1b2c3d4e5f',
      kind: 'asset',
      created_at: '2026-11-30T03:14:41.502Z',
      model: 'dreamina-seedance-2-0',
      request_id: '20261130031441F6E5D4C3B2A1908172635A',
      status: 'unresolved',
      reason: 'not found upstream yet',
      sent: {
        GroupId: 'group-20261130031002-ab12c',
        URL: 'https://media.example.com/product.png?X-Amz-Signature=[REDACTED]',
        AssetType: 'Image',
        Name: 'product-front',
        ProjectName: 'default',
      },
    },
  ],
  orphans: [
    {
      task_id: 'cgt-20261130031205-8xk2p',
      upstream_model: 'dreamina-seedance-2-0-260128',
      model: 'dreamina-seedance-2-0',
      status: 'succeeded',
      created_at: '2026-11-30T03:12:05.000Z',
      resolution: '720p',
      ratio: '16:9',
      duration: 5,
      completion_tokens: 108900,
      sku: 'dreamina-seedance-2-0-720p-novideo',
      list_price_usd: '0.7623',
      note: 'novideo assumed',
    },
  ],
  orphan_totals: { tasks: 1, completion_tokens: 108900, list_price_usd: '0.7623' },
  upstream_listing_error: null,
};

/**
 * The operator's view of creates (tasks, asset groups, assets) whose upstream outcome is unresolved and of upstream
 * tasks no record owns.
 */
@ApiTags('admin')
@AuditorApi()
@Controller('admin/reconciliation')
export class ReconciliationController {
  constructor(private readonly report: ReconciliationReport) {}

  @Get()
  @ApiOperation({
    summary: 'Unresolved task and asset-library creates and upstream orphans of the last 7 days',
    description:
      '`unresolved`: records whose upstream outcome is unknown, `submitting` records of a crashed instance, and records given up on ' +
      '(`reason` ambiguous or deadline). `asset_submissions`: CreateAssetGroup / CreateAsset calls (`kind` group or asset) whose ' +
      'outcome is `unknown`, left `unresolved` at the deadline, or `submitting` on a crashed instance, with the body `sent` ' +
      "upstream (secret URL parameters and tokens redacted). `orphans`: upstream tasks no record owns, with `completion_tokens` and the cost at today's " +
      'list price (the video-input SKU cannot be known from the task: novideo is assumed). Times are ISO-8601 UTC.',
  })
  @ApiOkResponse({
    description: 'The report; `orphans` and `orphan_totals` are null when upstream could not be listed (see `upstream_listing_error`).',
    schema: schemaOf(EXAMPLE),
  })
  get() {
    return this.report.report();
  }
}
