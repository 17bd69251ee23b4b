import { Body, Controller, Delete, Get, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BillingService } from '../billing/billing.service';
import { PutPriceDto } from '../billing/dto/usage.query';
import { CatalogService } from '../catalog/catalog.service';
import { Audited } from '../audit/audited.decorator';
import { ReqContext } from '../common/http/request-id.decorator';
import type { RequestContext } from '../common/http/request-context';
import { AdminApi } from '../tenancy/auth/api-auth.decorators';
import { TenancyService } from '../tenancy/tenancy.service';
import { ModelMappingViewDto, PutModelMappingDto } from './dto/model-mapping.dto';
import { CreateTenantDto, TenantViewDto, UpdateTenantDto } from './dto/tenant.dto';
import { IssuedTokenDto, IssueStaffTokenDto, IssueTenantTokenDto, TokenViewDto } from './dto/token.dto';

@ApiTags('admin')
@AdminApi()
@Controller('admin')
export class AdminController {
  constructor(
    private readonly tenancy: TenancyService,
    private readonly catalog: CatalogService,
    private readonly billing: BillingService,
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
}
