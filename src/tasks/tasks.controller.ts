import { Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audited.decorator';
import { ReqContext } from '../common/http/req-context.decorator';
import type { RequestContext } from '../common/http/request-context';
import { schemaOf } from '../common/openapi/schema-of';
import { TenantApi } from '../tenancy/auth/api-auth.decorators';
import { CurrentTenant } from '../tenancy/auth/current-tenant.decorator';
import type { TenantContext } from '../common/tenant-identity/tenant-context';
import { CreateTaskInput } from './create-task-input.decorator';
import { CreateTaskPipe } from './create-task.pipe';
import { CreateTaskDto, CreateTaskResponseDto } from './dto/create-task.dto';
import type { CreateTaskRequest } from './dto/create-task.request';
import { TASK_STATUSES } from './dto/list-tasks.query';
import { CREATE_EXAMPLES, RUNNING_DELETE_EXAMPLE, TASK_EXAMPLE } from './dto/task-examples';
import { TaskCreation } from './task-creation.service';
import { TasksService } from './tasks.service';

const nativeError = (code: string, message: string, param = '', type = 'BadRequest') => ({ error: { code, message, param, type } });

@ApiTags('tasks')
@ApiExtraModels(CreateTaskDto)
@ApiHeader({
  name: 'X-Client-Request-Id',
  required: false,
  description: 'Your request id (1–128 printable characters): kept as the request id, echoed as X-Request-Id and sent upstream.',
})
@TenantApi({ entitlement: 'video_generation' })
@Controller('volcark/api/v3/contents/generations/tasks')
export class TasksController {
  constructor(
    private readonly tasks: TasksService,
    private readonly creation: TaskCreation,
  ) {}

  @Post()
  @HttpCode(200)
  @Audited('task.create')
  @ApiOperation({
    summary: 'Create a video generation task (text-to-video, image-to-video, video edit, extension, join)',
    description:
      'The BytePlus create-task request, checked before any upstream call (model, content, duration, ratio, resolution, media URLs, ' +
      'asset ownership, spend limit). Answers only the task id; poll GET …/tasks/{task_id} or pass `callback_url`. ' +
      'Billed once, when the task succeeds, at the price in force when it was created.',
  })
  @ApiBody({ type: CreateTaskDto, examples: CREATE_EXAMPLES })
  @ApiOkResponse({ type: CreateTaskResponseDto, description: 'Only the upstream task id.' })
  @ApiResponse({
    status: 400,
    description: 'Refused before any upstream call.',
    content: {
      'application/json': {
        examples: {
          invalid_request: {
            value: nativeError('invalid_request', 'The parameter `model` specified in the request is not valid: model is required.', 'model'),
          },
          invalid_duration: {
            value: nativeError(
              'invalid_duration',
              'The parameter `duration` specified in the request is not valid: must be an integer from 4 to 15 seconds, or -1 to let the model choose.',
              'duration',
            ),
          },
        },
      },
    },
  })
  @ApiResponse({
    status: 404,
    description: "An `asset://` reference that is not this tenant's, or does not exist.",
    schema: {
      example: nativeError(
        'ResourceNotFound.Asset',
        'Asset `asset-20260611210100-image1` does not exist or does not belong to this account.',
        'content[1].image_url.url',
        'NotFound',
      ),
    },
  })
  @ApiResponse({
    status: 413,
    description: 'The body is larger than ARKGATE_MAX_BODY_MB, or nested or long beyond the JSON limits.',
    schema: { example: nativeError('request_too_large', 'Request body exceeds the limit of 64 MB.', '', 'PayloadTooLarge') },
  })
  @ApiResponse({
    status: 503,
    description: 'Not enabled, or a Filter-Off model without an exact mapping.',
    schema: {
      example: nativeError(
        'model_mapping_required',
        'Model `dreamina-seedance-2-0-filter-off` has no exact Filter-Off version mapping; ask the platform to configure one.',
        'model',
        'ServiceUnavailable',
      ),
    },
  })
  @ApiResponse({
    status: 502,
    description:
      'The model service refused the connection, or gave no usable answer and the task was not found in time (the outcome is then resolved in the background; retry with the same Idempotency-Key).',
    content: {
      'application/json': {
        examples: {
          unavailable: { value: nativeError('service_error', 'The model service is temporarily unavailable. Please retry later.', '', 'BadGateway') },
          outcome_unknown: {
            value: nativeError(
              'service_error',
              'The model service gave no usable answer; whether the task was created is being resolved. Retrying with the same Idempotency-Key is safe: it returns the task once found and never creates a second one.',
              '',
              'BadGateway',
            ),
          },
        },
      },
    },
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Same key and body within 24 h → the same task id, no second upstream call; same key, other body → 409 idempotency_key_reused.',
  })
  @ApiResponse({
    status: 403,
    description: 'The task could pass the tenant spend limit.',
    schema: {
      example: nativeError(
        'spend_limit_exceeded',
        "This task could cost up to $0.7623, which would pass the account's spend limit of $1.00 ($0.50 charged, $0.00 reserved by tasks in flight).",
        '',
        'Forbidden',
      ),
    },
  })
  @ApiResponse({
    status: 409,
    description: "Idempotency-Key reused with another body; or its first request's upstream outcome is still being resolved (with Retry-After).",
    content: {
      'application/json': {
        examples: {
          reused: {
            value: nativeError('idempotency_key_reused', 'This Idempotency-Key was already used with a different request body.', 'Idempotency-Key', 'Conflict'),
          },
          in_progress: {
            value: nativeError(
              'idempotency_key_in_progress',
              'The first request with this Idempotency-Key has an upstream outcome that is still being resolved; retry later with the same key and body — it will return that task, never create a second one.',
              'Idempotency-Key',
              'Conflict',
            ),
          },
        },
      },
    },
  })
  create(@CurrentTenant() tenant: TenantContext, @CreateTaskInput(CreateTaskPipe) request: CreateTaskRequest, @ReqContext() ctx: RequestContext) {
    return this.creation.create(tenant, request, ctx);
  }

  @Get(':task_id')
  @ApiOperation({
    summary: 'Get a task of this tenant (refreshed from upstream while not finished)',
    description: 'The BytePlus task object. `content.video_url` appears once it succeeded; times are unix seconds, as BytePlus writes them.',
  })
  @ApiParam({ name: 'task_id', example: 'cgt-20260611204121-462cw', description: 'The id a create answered.' })
  @ApiOkResponse({ description: 'The BytePlus task object; `model` is the stable name.', schema: schemaOf(TASK_EXAMPLE) })
  @ApiResponse({
    status: 404,
    schema: {
      example: nativeError('task_not_found', 'Task `cgt-20260611204121-462cw` does not exist or does not belong to this account.', 'task_id', 'NotFound'),
    },
  })
  get(@CurrentTenant() tenant: TenantContext, @Param('task_id') taskId: string, @ReqContext() ctx: RequestContext) {
    return this.tasks.get(tenant, taskId, ctx);
  }

  @Get()
  @ApiOperation({
    summary: "List this tenant's tasks, newest first",
    description: "Page through the tasks this tenant created (hidden ones excepted), with BytePlus's filters.",
  })
  @ApiQuery({ name: 'page_num', required: false, example: 1, description: 'From 1.' })
  @ApiQuery({ name: 'page_size', required: false, example: 20, description: '1–500, default 20.' })
  @ApiQuery({ name: 'filter.status', required: false, enum: TASK_STATUSES, description: 'One task status.' })
  @ApiQuery({ name: 'filter.model', required: false, example: 'dreamina-seedance-2-0', description: 'Stable model name or official alias.' })
  @ApiQuery({ name: 'filter.task_ids', required: false, description: 'Comma-separated task ids, or the parameter repeated.' })
  @ApiOkResponse({
    description: 'A page of task objects and the total count matching the filters.',
    schema: schemaOf({ items: [TASK_EXAMPLE], total: 1 }),
  })
  list(@CurrentTenant() tenant: TenantContext, @Query() query: Record<string, unknown>) {
    return this.tasks.list(tenant, query);
  }

  @Delete(':task_id')
  @Audited('task.delete')
  @ApiOperation({
    summary: 'Cancel a queued task, or hide a finished one for this tenant',
    description:
      "A queued task is cancelled upstream (never charged); a finished one is hidden from this tenant's reads. A running task cannot be deleted (409).",
  })
  @ApiParam({ name: 'task_id', example: 'cgt-20260611204121-462cw', description: 'The id a create answered.' })
  @ApiOkResponse({ description: 'An empty object, as BytePlus answers.', schema: schemaOf({}) })
  @ApiResponse({ status: 409, description: 'The task is running.', schema: { example: RUNNING_DELETE_EXAMPLE } })
  @ApiResponse({
    status: 404,
    schema: {
      example: nativeError('task_not_found', 'Task `cgt-20260611204121-462cw` does not exist or does not belong to this account.', 'task_id', 'NotFound'),
    },
  })
  delete(@CurrentTenant() tenant: TenantContext, @Param('task_id') taskId: string, @ReqContext() ctx: RequestContext) {
    return this.tasks.delete(tenant, taskId, ctx);
  }
}
