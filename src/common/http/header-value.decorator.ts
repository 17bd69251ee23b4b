import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/**
 * One request header's value, or undefined. Unlike Nest's `@Headers(name)`, it adds nothing to the API docs: the
 * route documents the header once, optional, with `@ApiHeader` (`@Headers` would also list it as required).
 */
export const HeaderValue = createParamDecorator((name: string, ctx: ExecutionContext): string | undefined =>
  ctx.switchToHttp().getRequest<Request>().header(name),
);
