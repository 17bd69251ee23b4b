import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { RequestContext, requestContextOf } from './request-context';

/** The request's context (id, client IP) for services that record or forward it. */
export const ReqContext = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestContext => requestContextOf(ctx.switchToHttp().getRequest()));
