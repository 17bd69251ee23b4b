/** HTTP of the OpenAI-compatible `/v1/videos` facade: each route one call into VideosService (docs/contract.md §11). */
import { Controller, Delete, Get, HttpCode, Param, Post, Query, Res, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBody,
  ApiConsumes,
  ApiExcludeEndpoint,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { HeaderValue } from '../common/http/header-value.decorator';
import { ReqContext } from '../common/http/req-context.decorator';
import type { RequestContext } from '../common/http/request-context';
import { TenantApi } from '../tenancy/auth/api-auth.decorators';
import { CurrentTenant } from '../tenancy/auth/current-tenant.decorator';
import type { TenantContext } from '../common/tenant-identity/tenant-context';
import { ContentReply } from './content-reply';
import { CREATE_VIDEO_BODY, DELETED_EXAMPLE, LIST_EXAMPLE, openAiError, QUEUED_EXAMPLE, VIDEO_EXAMPLE } from './dto/video-schemas';
import { INPUT_IMAGE_MAX_BYTES } from './video-request';
import { VideoCreateInput, VideoCreatePipe, type VideoCreateRequest } from './video-create.pipe';
import { VideosService } from './videos.service';
import { schemaOf } from '../common/openapi/schema-of';

const ID = { name: 'id', example: VIDEO_EXAMPLE.id, description: 'The video id a create answered (video_…).' };
const NOT_FOUND = openAiError(
  `Video \`${VIDEO_EXAMPLE.id}\` does not exist or does not belong to this account.`,
  'not_found_error',
  'video_not_found',
  'video_id',
);

/** One uploaded first-frame image at most; multipart fields are few and short. */
const UPLOAD = FileInterceptor('input_reference', { limits: { files: 1, fileSize: INPUT_IMAGE_MAX_BYTES, fields: 32, parts: 33, fieldSize: 1024 * 1024 } });

@ApiTags('videos')
@TenantApi({ entitlement: 'video_generation' })
@Controller('v1/videos')
export class VideosController {
  constructor(
    private readonly videos: VideosService,
    private readonly reply: ContentReply,
  ) {}

  @Post()
  @HttpCode(200)
  @Audited('task.create')
  @UseInterceptors(UPLOAD)
  @ApiOperation({
    summary: 'Create a video (OpenAI Videos shape): one native task, billed and audited as one',
    description:
      'JSON or multipart/form-data (the openai SDK sends multipart). Errors on /v1 are `{"error": {"message", "type", "param", "code"}}`. ' +
      'Sora-only routes (remix, edits, extensions, characters) answer 400 `unsupported_operation`.',
  })
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody(CREATE_VIDEO_BODY)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Same key and body within 24 h → the same video, no second upstream task.' })
  @ApiOkResponse({ description: 'The Video object.', schema: schemaOf(QUEUED_EXAMPLE) })
  @ApiResponse({
    status: 400,
    description: 'Refused before any upstream call.',
    schema: {
      example: openAiError(
        'size "1792x1024" is not offered by dreamina-seedance-2-0. Allowed sizes: 864x496, 752x560, …',
        'invalid_request_error',
        'invalid_request',
        'size',
      ),
    },
  })
  create(@CurrentTenant() tenant: TenantContext, @VideoCreateInput(VideoCreatePipe) request: VideoCreateRequest, @ReqContext() ctx: RequestContext) {
    return this.videos.create(tenant, request, ctx);
  }

  @Get()
  @ApiOperation({
    summary: "List this tenant's videos (cursor pagination)",
    description: 'OpenAI list shape: `data`, `first_id`, `last_id`, `has_more`; pass `last_id` as `after` for the next page.',
  })
  @ApiQuery({ name: 'after', required: false, description: 'A video id: the page starts after it.' })
  @ApiQuery({ name: 'limit', required: false, example: 20, description: '1–100, default 20.' })
  @ApiQuery({ name: 'order', required: false, enum: ['desc', 'asc'], description: 'By creation time; default desc.' })
  @ApiOkResponse({ description: 'A page of Video objects.', schema: schemaOf(LIST_EXAMPLE) })
  list(@CurrentTenant() tenant: TenantContext, @Query() query: Record<string, unknown>, @ReqContext() ctx: RequestContext) {
    return this.videos.list(tenant, query, ctx);
  }

  @Get('characters/:id')
  @ApiExcludeEndpoint()
  getCharacter() {
    return this.videos.unsupported('characters');
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Retrieve a video (refreshed from upstream while not finished)',
    description: 'The Video object: `status` queued, in_progress, completed or failed, with `progress`; download with GET /v1/videos/{id}/content.',
  })
  @ApiParam(ID)
  @ApiOkResponse({ description: 'The Video object.', schema: schemaOf(VIDEO_EXAMPLE) })
  @ApiResponse({ status: 404, schema: { example: NOT_FOUND } })
  retrieve(@CurrentTenant() tenant: TenantContext, @Param('id') id: string, @ReqContext() ctx: RequestContext) {
    return this.videos.retrieve(tenant, id, ctx);
  }

  @Delete(':id')
  @Audited('task.delete')
  @ApiOperation({
    summary: 'Delete a video: a queued one is cancelled, a finished one hidden; in progress → 409',
    description: 'Same rules as deleting the native task behind it.',
  })
  @ApiParam(ID)
  @ApiOkResponse({ description: 'OpenAI deletion shape.', schema: schemaOf(DELETED_EXAMPLE) })
  @ApiResponse({
    status: 409,
    schema: { example: openAiError('Cannot delete task because it is currently running.', 'invalid_request_error', 'InvalidAction.RunningTaskDeletion') },
  })
  @ApiResponse({ status: 404, schema: { example: NOT_FOUND } })
  delete(@CurrentTenant() tenant: TenantContext, @Param('id') id: string, @ReqContext() ctx: RequestContext) {
    return this.videos.delete(tenant, id, ctx);
  }

  @Get(':id/content')
  @ApiOperation({
    summary: 'Download the video (video/mp4) or its thumbnail (the last frame, image/png), streamed through the gateway',
    description: 'Only once the video completed; upstream keeps results 24 hours.',
  })
  @ApiParam(ID)
  @ApiQuery({ name: 'variant', required: false, enum: ['video', 'thumbnail'], description: 'video (default) or thumbnail (the last frame).' })
  @ApiHeader({ name: 'Range', required: false, description: 'One byte range, e.g. bytes=0-99 → 206 with Content-Range.' })
  @ApiProduces('video/mp4', 'image/png')
  @ApiOkResponse({
    description: 'The bytes (206 with Content-Range for a Range).',
    content: { 'video/mp4': { schema: { type: 'string', format: 'binary' } }, 'image/png': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiResponse({ status: 404, description: 'Not completed yet, no thumbnail, expired upstream, or not this tenant’s.', schema: { example: NOT_FOUND } })
  async content(
    @CurrentTenant() tenant: TenantContext,
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @HeaderValue('range') range: string | undefined,
    @ReqContext() ctx: RequestContext,
    @Res() response: unknown,
  ) {
    this.reply.send(response, await this.videos.content(tenant, id, query, range, ctx));
  }

  // Sora-only routes: answered 400 unsupported_operation (after authentication), left out of the API docs.
  @Post(':id/remix')
  @ApiExcludeEndpoint()
  remix() {
    return this.videos.unsupported('remix');
  }

  @Post('edits')
  @ApiExcludeEndpoint()
  edit() {
    return this.videos.unsupported('edits');
  }

  @Post('extensions')
  @ApiExcludeEndpoint()
  extend() {
    return this.videos.unsupported('extensions');
  }

  @Post('characters')
  @ApiExcludeEndpoint()
  createCharacter() {
    return this.videos.unsupported('characters');
  }
}
