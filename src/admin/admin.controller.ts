import { Body, Controller, Delete, Get, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BillingService } from '../billing/billing.service';
import { PutPriceDto } from '../billing/dto/usage.query';
import { CatalogService } from '../catalog/catalog.service';
import { Audited } from '../audit/audited.decorator';
import { ReqContext } from '../common/http/request-id.decorator';
import type { RequestContext } from '../common/http/request-context';
import { AdminApi } from '../tenancy/auth/api-auth.decorators';
import { TenancyService } from '../tenancy/tenancy.service';
import { AdminTasksQuery } from '../tasks/dto/admin-tasks.query';
import { TaskLogService } from '../tasks/task-log.service';
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
    private readonly catalog: CatalogService,
    private readonly billing: BillingService,
    private readonly taskLog: TaskLogService,
  ) {}

  @Get('prices')
  @ApiOperation({ summary: 'The price in force for each SKU (USD per million tokens)' })
  @ApiOkResponse({ schema: { example: [{ sku: 'dreamina-seedance-2-0-720p-novideo', usd_per_million_tokens: '7.00', effective_from: 0 }] } })
  listPrices() {
    return this.billing.currentPrices();
  }

  @Put('prices/:sku')
  @ApiOperation({ summary: 'Set a SKU price; applies to tasks created from now on (tasks already submitted keep theirs)' })
  @ApiOkResponse({ schema: { example: { sku: 'dreamina-seedance-2-0-720p-novideo', usd_per_million_tokens: '7.50', effective_from: 1795242796000 } } })
  @Audited('admin.price.put')
  putPrice(@Param('sku') sku: string, @Body() body: PutPriceDto, @ReqContext() ctx: RequestContext) {
    return this.billing.setPrice(sku, body?.usd_per_million_tokens, ctx);
  }

  @Post('tenants')
  @ApiOperation({ summary: 'Create a tenant' })
  @ApiCreatedResponse({ type: TenantViewDto })
  @Audited('admin.tenant.create')
  createTenant(@Body() body: CreateTenantDto, @ReqContext() ctx: RequestContext) {
    return this.tenancy.createTenant(body, ctx);
  }

  @Get('tenants')
  @ApiOperation({ summary: 'List tenants' })
  @ApiOkResponse({ type: [TenantViewDto] })
  listTenants() {
    return this.tenancy.listTenants();
  }

  @Get('tenants/:id')
  @ApiOkResponse({ type: TenantViewDto })
  getTenant(@Param('id') id: string) {
    return this.tenancy.getTenant(id);
  }

  @Patch('tenants/:id')
  @ApiOperation({ summary: 'Change a tenant (e.g. {"status": "suspended"}); takes effect within seconds on every instance' })
  @ApiOkResponse({ type: TenantViewDto })
  @Audited('admin.tenant.update')
  updateTenant(@Param('id') id: string, @Body() body: UpdateTenantDto, @ReqContext() ctx: RequestContext) {
    return this.tenancy.updateTenant(id, body, ctx);
  }

  @Post('tenants/:id/tokens')
  @ApiOperation({ summary: "Issue a tenant API token (shown once)" })
  @ApiCreatedResponse({ type: IssuedTokenDto })
  @Audited('admin.token.issue')
  issueTenantToken(@Param('id') id: string, @Body() body: IssueTenantTokenDto, @ReqContext() ctx: RequestContext) {
    return this.tenancy.issueTenantToken(id, body.name, ctx);
  }

  @Get('tenants/:id/tokens')
  @ApiOperation({ summary: "List a tenant's tokens (never the secrets)" })
  @ApiOkResponse({ type: [TokenViewDto] })
  listTenantTokens(@Param('id') id: string) {
    return this.tenancy.listTokens(id);
  }

  @Post('tokens')
  @ApiOperation({ summary: 'Issue an admin or auditor token (shown once)' })
  @ApiCreatedResponse({ type: IssuedTokenDto })
  @Audited('admin.token.issue')
  issueStaffToken(@Body() body: IssueStaffTokenDto, @ReqContext() ctx: RequestContext) {
    return this.tenancy.issueStaffToken(body.role, body.name, ctx);
  }

  @Get('tokens')
  @ApiOperation({ summary: 'List all tokens (never the secrets)' })
  @ApiOkResponse({ type: [TokenViewDto] })
  listTokens() {
    return this.tenancy.listTokens();
  }

  @Delete('tokens/:id')
  @ApiOperation({ summary: 'Revoke a token; every instance refuses it within seconds' })
  @ApiOkResponse({ type: TokenViewDto })
  @Audited('admin.token.revoke')
  revokeToken(@Param('id') id: string, @ReqContext() ctx: RequestContext) {
    return this.tenancy.revokeToken(id, ctx);
  }

  @Get('model-mappings')
  @ApiOperation({ summary: 'Every model with the upstream model a create sends' })
  @ApiOkResponse({ type: [ModelMappingViewDto] })
  listMappings() {
    return this.catalog.listMappings();
  }

  @Put('model-mappings/:model')
  @ApiOperation({ summary: 'Pin a model to an exact upstream version or endpoint (Filter-Off: a Filter-Off version only)' })
  @ApiOkResponse({ type: ModelMappingViewDto })
  @Audited('admin.model_mapping.put')
  putMapping(@Param('model') model: string, @Body() body: PutModelMappingDto, @ReqContext() ctx: RequestContext) {
    return this.catalog.setMapping(model, body.upstream_model, ctx);
  }

  @Delete('model-mappings/:model')
  @ApiOperation({ summary: 'Remove a pin: normal models return to their official version, Filter-Off to unmapped' })
  @ApiOkResponse({ type: ModelMappingViewDto })
  @Audited('admin.model_mapping.delete')
  deleteMapping(@Param('model') model: string, @ReqContext() ctx: RequestContext) {
    return this.catalog.deleteMapping(model, ctx);
  }
  @Get('tasks')
  @ApiOperation({ summary: "Task log across tenants, newest first, with filters and cursor pagination (every record status, the tenant's hidden tasks included)" })
  @ApiOkResponse({ schema: { example: { items: [TASK_LOG_EXAMPLE], next_cursor: 'WzE3OTUyNDI3OTYwMDAsIjBiOGUwYTNjIl0' } } })
  listTasks(@Query() query: AdminTasksQuery) {
    return this.taskLog.pageAcrossTenants(query);
  }

  @Get('tasks/:id')
  @ApiOperation({ summary: 'One task record (by record id or upstream task id) with its upstream request, last upstream state and charge' })
  @ApiOkResponse({ schema: { example: { ...TASK_LOG_EXAMPLE, sku: 'dreamina-seedance-2-0-720p-novideo', tokens: 108900, unit_price_usd_per_million_tokens: '7.00', upstream_request: { model: 'dreamina-seedance-2-0-260128' }, upstream_task: { id: 'cgt-20260611204121-462cw', status: 'succeeded' } } } })
  getTask(@Param('id') id: string) {
    return this.taskLog.getAcrossTenants(id);
  }
}
