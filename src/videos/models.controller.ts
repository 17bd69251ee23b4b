/** `GET /v1/models` of the OpenAI-compatible facade: the caller's entitled models. */
import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { TenantApi } from '../tenancy/auth/api-auth.decorators';
import { CurrentTenant } from '../tenancy/auth/current-tenant.decorator';
import type { TenantContext } from '../common/tenant-identity/tenant-context';
import { MODELS_EXAMPLE, openAiError } from './dto/video-schemas';
import { entitledModel, entitledModels } from './model-list';
import { schemaOf } from '../common/openapi/schema-of';

@ApiTags('videos')
@TenantApi()
@Controller('v1/models')
export class ModelsController {
  @Get()
  @ApiOperation({ summary: "The caller's entitled models (OpenAI Models shape)", description: 'The stable model names this tenant may use in `model`.' })
  @ApiOkResponse({ description: 'OpenAI list of models.', schema: schemaOf(MODELS_EXAMPLE) })
  list(@CurrentTenant() tenant: TenantContext) {
    return entitledModels(tenant);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One entitled model', description: '404 when the model does not exist or this tenant is not entitled to it.' })
  @ApiParam({ name: 'id', example: 'dreamina-seedance-2-0', description: 'A stable model name.' })
  @ApiOkResponse({ description: 'OpenAI model object.', schema: schemaOf(MODELS_EXAMPLE.data[0]) })
  @ApiResponse({
    status: 404,
    schema: { example: openAiError('The model `sora-2` does not exist or this account is not enabled for it.', 'not_found_error', 'not_found', 'model') },
  })
  get(@CurrentTenant() tenant: TenantContext, @Param('id') id: string) {
    return entitledModel(tenant, id);
  }
}
