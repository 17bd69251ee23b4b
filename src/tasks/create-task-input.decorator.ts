import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { RawCreateTask } from './create-task.pipe';

/**
 * The create as it arrived, body and Idempotency-Key together, for CreateTaskPipe (`@CreateTaskInput(CreateTaskPipe)`):
 * the key is checked before the body, as one request. The body stays documented by the route's `@ApiBody`.
 */
export const CreateTaskInput = createParamDecorator((_: unknown, ctx: ExecutionContext): RawCreateTask => {
  const request = ctx.switchToHttp().getRequest<Request>();
  return { body: request.body as unknown, idempotencyKey: request.header('idempotency-key') };
});
