import { Body, Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { ReqContext } from '../common/http/req-context.decorator';
import type { RequestContext } from '../common/http/request-context';
import { TenantApi } from '../tenancy/auth/api-auth.decorators';
import { CurrentTenant } from '../tenancy/auth/current-tenant.decorator';
import type { TenantContext } from '../common/tenant-identity/tenant-context';
import { AssetsService } from './assets.service';
import { ASSET_ERROR_EXAMPLES, ASSET_REQUEST_EXAMPLES, ASSET_RESPONSE_EXAMPLES } from './dto/asset-examples';
import { ASSET_ACTIONS, CreateAssetDto, CreateAssetGroupDto, GetByIdDto, ListAssetGroupsDto, ListAssetsDto } from './dto/asset-actions.dto';

const BODIES = [CreateAssetGroupDto, CreateAssetDto, GetByIdDto, ListAssetGroupsDto, ListAssetsDto];

@ApiTags('assets')
@ApiExtraModels(...BODIES)
@TenantApi({ entitlement: 'asset_library' })
@Controller('volcark')
export class AssetsController {
  constructor(private readonly assets: AssetsService) {}

  @Post()
  @HttpCode(200)
  @Audited((q) => (typeof q.Action === 'string' && /^(Create|Update|Delete)/.test(q.Action) ? `asset.${q.Action}` : null))
  @ApiOperation({
    summary: 'Asset library: CreateAssetGroup, CreateAsset, ListAssetGroups, ListAssets, GetAssetGroup, GetAsset',
    description:
      'One path, the action in the query, as the BytePlus OpenAPI. Create* return only Result.Id; status, URL and failure ' +
      'reasons show in Get*/List*. Update*/Delete* → 403; Moderation.Strategy=Skip → 400 moderation_skip_not_allowed. ' +
      "Errors come as ResponseMetadata.Error {Code, Message}. Only the caller's groups and assets are visible.",
  })
  @ApiQuery({ name: 'Action', enum: ASSET_ACTIONS, required: true, description: 'The asset action, as on BytePlus.' })
  @ApiQuery({ name: 'Version', enum: ['2024-01-01'], required: true, description: 'The API version; only 2024-01-01.' })
  @ApiBody({ schema: { oneOf: BODIES.map((b) => ({ $ref: getSchemaPath(b) })) }, examples: ASSET_REQUEST_EXAMPLES })
  @ApiOkResponse({
    description: '`{ResponseMetadata, Result}`',
    content: {
      'application/json': {
        schema: { type: 'object', properties: { ResponseMetadata: { type: 'object' }, Result: { type: 'object' } } },
        examples: ASSET_RESPONSE_EXAMPLES,
      },
    },
  })
  @ApiResponse({
    status: 400,
    description: 'Invalid request, unknown action or version, or Moderation.Strategy=Skip.',
    content: { 'application/json': { examples: { moderation_skip_not_allowed: ASSET_ERROR_EXAMPLES.moderation_skip_not_allowed } } },
  })
  @ApiResponse({
    status: 403,
    description: 'Update* and Delete* are not available.',
    content: { 'application/json': { examples: { InvalidAction: ASSET_ERROR_EXAMPLES.InvalidAction } } },
  })
  @ApiResponse({
    status: 404,
    description: "Asset or group missing or not the tenant's.",
    content: { 'application/json': { examples: { 'ResourceNotFound.Asset': ASSET_ERROR_EXAMPLES['ResourceNotFound.Asset'] } } },
  })
  action(
    @CurrentTenant() tenant: TenantContext,
    @Query('Action') action: unknown,
    @Query('Version') version: unknown,
    @Body() body: unknown,
    @ReqContext() ctx: RequestContext,
  ) {
    return this.assets.dispatch(tenant, action, version, body, ctx);
  }
}
