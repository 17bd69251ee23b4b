import { Body, Controller, Delete, Get, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BillingService } from '../billing/billing.service';
import { PutPriceDto } from '../billing/dto/usage.query';
import { CatalogService } from '../catalog/catalog.service';
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
  putPrice(@Param('sku') sku: string, @Body() body: PutPriceDto) {
    return this.billing.setPrice(sku, body?.usd_per_million_tokens);
  }

  @Post('tenants')
  @ApiOperation({ summary: 'Create a tenant' })
  @ApiCreatedResponse({ type: TenantViewDto })
  createTenant(@Body() body: CreateTenantDto) {
    return this.tenancy.createTenant(body);
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
  updateTenant(@Param('id') id: string, @Body() body: UpdateTenantDto) {
    return this.tenancy.updateTenant(id, body);
  }

  @Post('tenants/:id/tokens')
  @ApiOperation({ summary: "Issue a tenant API token (shown once)" })
  @ApiCreatedResponse({ type: IssuedTokenDto })
  issueTenantToken(@Param('id') id: string, @Body() body: IssueTenantTokenDto) {
    return this.tenancy.issueTenantToken(id, body.name);
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
  issueStaffToken(@Body() body: IssueStaffTokenDto) {
    return this.tenancy.issueStaffToken(body.role, body.name);
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
  revokeToken(@Param('id') id: string) {
    return this.tenancy.revokeToken(id);
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
  putMapping(@Param('model') model: string, @Body() body: PutModelMappingDto) {
    return this.catalog.setMapping(model, body.upstream_model);
  }

  @Delete('model-mappings/:model')
  @ApiOperation({ summary: 'Remove a pin: normal models return to their official version, Filter-Off to unmapped' })
  @ApiOkResponse({ type: ModelMappingViewDto })
  deleteMapping(@Param('model') model: string) {
    return this.catalog.deleteMapping(model);
  }
}
