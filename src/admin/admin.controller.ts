import { Body, Controller, Delete, Get, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { BillingService } from '../billing/billing.service';
import { PutPriceDto } from '../billing/dto/put-price.dto';
import { CatalogService } from '../catalog/catalog.service';
import { Audited } from '../audit/audited.decorator';
import { ReqContext } from '../common/http/req-context.decorator';
import type { RequestContext } from '../common/http/request-context';
import { schemaOf } from '../common/openapi/schema-of';
import { AdminApi, nativeError } from '../tenancy/auth/api-auth.decorators';
import { TenancyService } from '../tenancy/tenancy.service';
import { AdminTasksQuery } from '../tasks/dto/admin-tasks.query';
import { TaskLogService } from '../tasks/task-log.service';
import { AdminService } from './admin.service';
import { ModelMappingViewDto, PutModelMappingDto } from './dto/model-mapping.dto';
import { CreateTenantDto, TenantViewDto, UpdateTenantDto } from './dto/tenant.dto';
import { IssuedTokenDto, IssueStaffTokenDto, IssueTenantTokenDto, TokenViewDto } from './dto/token.dto';

const TASK_LOG_EXAMPLE = {
  id: '7c0f6a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b',
  task_id: 'cgt-20260611204121-462cw',
  tenant_id: '0b8e0a3c-6c44-4a3e-9b3c-1f9a0c7d1e2f',
  model: 'dreamina-seedance-2-0',
  upstream_model: 'dreamina-seedance-2-0-260128',
  status: 'succeeded',
  resolution: '720p',
  ratio: '16:9',
  duration: 5,
  video_input: false,
  error_code: null,
  request_id: '20260611204121A1B2C3D4E5F60718293A',
  hidden_by_tenant: false,
  created_at: '2026-06-11T20:41:21.000Z',
  updated_at: '2026-06-11T20:42:03.000Z',
  finished_at: '2026-06-11T20:42:03.000Z',
  amount_usd: '0.7623',
};

@ApiTags('admin')
@AdminApi()
@Controller('admin')
export class AdminController {
  constructor(
    private readonly tenancy: TenancyService,
    private readonly admin: AdminService,
    private readonly catalog: CatalogService,
    private readonly billing: BillingService,
    private readonly taskLog: TaskLogService,
  ) {}

  @Get('prices')
  @ApiOperation({
    summary: 'The price in force for each SKU (USD per million tokens)',
    description:
      'Every SKU with the price a task created now is charged at, as a decimal USD string per million completion tokens; `effective_from` is an ISO-8601 UTC time (null for the seed prices).',
  })
  @ApiOkResponse({ schema: schemaOf([{ sku: 'dreamina-seedance-2-0-720p-novideo', usd_per_million_tokens: '7.00', effective_from: null }]) })
  listPrices() {
    return this.billing.currentPrices();
  }

  @Put('prices/:sku')
  @ApiOperation({
    summary: 'Set a SKU price; applies to tasks created from now on (tasks already submitted keep theirs)',
    description: 'Adds a price version effective now. A task is always charged at the price in force when it was created.',
  })
  @nativeError(400, 'usd_per_million_tokens must be a non-negative decimal with at most 9 decimals, e.g. "7.0".', 'invalid_request', 'usd_per_million_tokens')
  @nativeError(404, 'SKU `dreamina-seedance-2-0-720p-novideo` does not exist.', 'not_found', 'sku')
  @ApiOkResponse({
    schema: schemaOf({ sku: 'dreamina-seedance-2-0-720p-novideo', usd_per_million_tokens: '7.50', effective_from: '2026-11-21T06:33:16.000Z' }),
  })
  @Audited('admin.price.put')
  @ApiParam({ name: 'sku', description: 'A SKU as listed by GET /admin/prices.', example: 'dreamina-seedance-2-0-720p-novideo' })
  putPrice(@Param('sku') sku: string, @Body() body: PutPriceDto, @ReqContext() ctx: RequestContext) {
    return this.billing.setPrice(sku, body?.usd_per_million_tokens, ctx);
  }

  @Post('tenants')
  @ApiOperation({
    summary: 'Create a tenant',
    description:
      'A tenant owns tasks, assets and tokens; entitlements say which capabilities and models it may use. Issue it a token next (POST /admin/tenants/{id}/tokens).',
  })
  @nativeError(400, 'The parameter `name` specified in the request is not valid: is required.', 'invalid_request', 'name')
  @ApiCreatedResponse({ type: TenantViewDto })
  @Audited('admin.tenant.create')
  createTenant(@Body() body: CreateTenantDto, @ReqContext() ctx: RequestContext) {
    return this.admin.createTenant(body, ctx);
  }

  @Get('tenants')
  @ApiOperation({ summary: 'List tenants', description: 'Every tenant with its status, entitlements, media policy, limits and creation time.' })
  @ApiOkResponse({ type: [TenantViewDto] })
  listTenants() {
    return this.tenancy.listTenants();
  }

  @Get('tenants/:id')
  @ApiOperation({ summary: 'One tenant', description: 'Status, entitlements, media policy, limits and creation time of one tenant.' })
  @ApiOkResponse({ type: TenantViewDto })
  @nativeError(404, 'Tenant `0b8e0a3c-6c44-4a3e-9b3c-1f9a0c7d1e2f` does not exist.', 'not_found', 'id')
  @ApiParam({ name: 'id', description: 'Tenant id (UUID).' })
  getTenant(@Param('id') id: string) {
    return this.tenancy.getTenant(id);
  }

  @Patch('tenants/:id')
  @ApiOperation({
    summary: 'Change a tenant (e.g. {"status": "suspended"}); takes effect within seconds on every instance',
    description: "Only the fields sent change. A suspended tenant's tokens are refused with 503 until it is active again.",
  })
  @nativeError(400, 'The parameter `status` specified in the request is not valid: must be one of active, suspended.', 'invalid_request', 'status')
  @nativeError(404, 'Tenant `0b8e0a3c-6c44-4a3e-9b3c-1f9a0c7d1e2f` does not exist.', 'not_found', 'id')
  @ApiOkResponse({ type: TenantViewDto })
  @Audited('admin.tenant.update')
  @ApiParam({ name: 'id', description: 'Tenant id (UUID).' })
  updateTenant(@Param('id') id: string, @Body() body: UpdateTenantDto, @ReqContext() ctx: RequestContext) {
    return this.admin.updateTenant(id, body, ctx);
  }

  @Post('tenants/:id/tokens')
  @ApiOperation({
    summary: 'Issue a tenant API token (shown once)',
    description: 'The `token` (`oh-…`) is in this answer only; arkgate keeps a hash of it. Send it as `Authorization: Bearer oh-…`.',
  })
  @nativeError(400, 'The parameter `name` specified in the request is not valid: is required.', 'invalid_request', 'name')
  @nativeError(404, 'Tenant `0b8e0a3c-6c44-4a3e-9b3c-1f9a0c7d1e2f` does not exist.', 'not_found', 'id')
  @ApiCreatedResponse({ type: IssuedTokenDto })
  @Audited('admin.token.issue')
  @ApiParam({ name: 'id', description: 'Tenant id (UUID).' })
  issueTenantToken(@Param('id') id: string, @Body() body: IssueTenantTokenDto, @ReqContext() ctx: RequestContext) {
    return this.admin.issueTenantToken(id, body.name, ctx);
  }

  @Get('tenants/:id/tokens')
  @ApiOperation({
    summary: "List a tenant's tokens (never the secrets)",
    description: "Id, name, role, creation and revocation time of each of the tenant's tokens.",
  })
  @nativeError(404, 'Tenant `0b8e0a3c-6c44-4a3e-9b3c-1f9a0c7d1e2f` does not exist.', 'not_found', 'id')
  @ApiOkResponse({ type: [TokenViewDto] })
  @ApiParam({ name: 'id', description: 'Tenant id (UUID).' })
  listTenantTokens(@Param('id') id: string) {
    return this.tenancy.listTokens(id);
  }

  @Post('tokens')
  @ApiOperation({
    summary: 'Issue an admin or auditor token (shown once)',
    description: 'An auditor token reads `/audit` and `/metrics`; an admin token everything. The `token` is in this answer only.',
  })
  @nativeError(400, 'The parameter `role` specified in the request is not valid: must be one of admin, auditor.', 'invalid_request', 'role')
  @ApiCreatedResponse({ type: IssuedTokenDto })
  @Audited('admin.token.issue')
  issueStaffToken(@Body() body: IssueStaffTokenDto, @ReqContext() ctx: RequestContext) {
    return this.admin.issueStaffToken(body.role, body.name, ctx);
  }

  @Get('tokens')
  @ApiOperation({ summary: 'List all tokens (never the secrets)', description: 'Every token of every tenant and every staff token, without secrets.' })
  @ApiOkResponse({ type: [TokenViewDto] })
  listTokens() {
    return this.tenancy.listTokens();
  }

  @Delete('tokens/:id')
  @ApiOperation({
    summary: 'Revoke a token; every instance refuses it within seconds',
    description: 'Revoking is final; issue a new token to replace it. The bootstrap admin token (ARKGATE_ADMIN_TOKEN) is managed by the environment.',
  })
  @nativeError(404, 'Token `0b8e0a3c-6c44-4a3e-9b3c-1f9a0c7d1e2f` does not exist.', 'not_found', 'id')
  @ApiOkResponse({ type: TokenViewDto })
  @Audited('admin.token.revoke')
  @ApiParam({ name: 'id', description: 'Token id (UUID, as listed; not the secret).' })
  revokeToken(@Param('id') id: string, @ReqContext() ctx: RequestContext) {
    return this.admin.revokeToken(id, ctx);
  }

  @Get('model-mappings')
  @ApiOperation({
    summary: 'Every model with the upstream model a create sends',
    description:
      'Normal models send their official version unless pinned; a Filter-Off model sends only an exact mapping and is refused (503 model_mapping_required) without one.',
  })
  @ApiOkResponse({ type: [ModelMappingViewDto] })
  listMappings() {
    return this.catalog.listMappings();
  }

  @Put('model-mappings/:model')
  @ApiOperation({
    summary: 'Pin a model to an exact upstream version or endpoint (Filter-Off: a Filter-Off version only)',
    description: 'Takes effect for the next create on every instance.',
  })
  @nativeError(400, 'The parameter `upstream_model` specified in the request is not valid: is required.', 'invalid_request', 'upstream_model')
  @nativeError(404, 'Model `dreamina-seedance-9` does not exist.', 'not_found', 'model')
  @ApiOkResponse({ type: ModelMappingViewDto })
  @Audited('admin.model_mapping.put')
  @ApiParam({ name: 'model', description: 'A stable model name.', example: 'dreamina-seedance-2-0-filter-off' })
  putMapping(@Param('model') model: string, @Body() body: PutModelMappingDto, @ReqContext() ctx: RequestContext) {
    return this.catalog.setMapping(model, body.upstream_model, ctx);
  }

  @Delete('model-mappings/:model')
  @ApiOperation({
    summary: 'Remove a pin: normal models return to their official version, Filter-Off to unmapped',
    description: 'Takes effect for the next create on every instance.',
  })
  @nativeError(404, 'Model `dreamina-seedance-9` does not exist.', 'not_found', 'model')
  @ApiOkResponse({ type: ModelMappingViewDto })
  @Audited('admin.model_mapping.delete')
  @ApiParam({ name: 'model', description: 'A stable model name.', example: 'dreamina-seedance-2-0-filter-off' })
  deleteMapping(@Param('model') model: string, @ReqContext() ctx: RequestContext) {
    return this.catalog.deleteMapping(model, ctx);
  }
  @Get('tasks')
  @ApiOperation({
    summary: "Task log across tenants, newest first, with filters and cursor pagination (every record status, the tenant's hidden tasks included)",
    description: 'Times are ISO-8601 UTC. Pass `next_cursor` back as `cursor` for the next page; it is null on the last page.',
  })
  @nativeError(400, 'The parameter `limit` specified in the request is not valid: must be 1–200.', 'invalid_request', 'limit')
  @ApiOkResponse({ schema: schemaOf({ items: [TASK_LOG_EXAMPLE], next_cursor: 'WzE3OTUyNDI3OTYwMDAsIjBiOGUwYTNjIl0' }) })
  listTasks(@Query() query: AdminTasksQuery) {
    return this.taskLog.pageAcrossTenants(query);
  }

  @Get('tasks/:id')
  @ApiOperation({
    summary: 'One task record (by record id or upstream task id) with its upstream request, last upstream state and charge',
    description: 'For support: what was sent upstream, what upstream last said, and the ledger entry when it succeeded.',
  })
  @nativeError(404, 'Task `cgt-20260611204121-462cw` does not exist.', 'task_not_found', 'id')
  @ApiOkResponse({
    schema: schemaOf({
      ...TASK_LOG_EXAMPLE,
      sku: 'dreamina-seedance-2-0-720p-novideo',
      tokens: 108900,
      unit_price_usd_per_million_tokens: '7.00',
      upstream_request: { model: 'dreamina-seedance-2-0-260128' },
      upstream_task: { id: 'cgt-20260611204121-462cw', status: 'succeeded' },
    }),
  })
  @ApiParam({ name: 'id', description: 'Record id (UUID) or upstream task id (cgt-…).', example: 'cgt-20260611204121-462cw' })
  getTask(@Param('id') id: string) {
    return this.taskLog.getAcrossTenants(id);
  }
}
