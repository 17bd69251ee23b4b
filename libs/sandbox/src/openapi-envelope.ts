/**
 * The BytePlus OpenAPI envelope the control-plane surface answers with:
 *
 *   success  200  {"ResponseMetadata": {RequestId, Action, Version, Service, Region}, "Result": {...}}
 *   failure  4xx  {"ResponseMetadata": {RequestId, Action, Version, Service, Region, Error: {Code, Message}}}
 */
import { randomBytes } from 'node:crypto';
import { ARK_OPENAPI_SERVICE } from '@arkgate/byteplus';
import type { SandboxReply } from './sandbox-http';

export interface OpenApiContext {
  requestId: string;
  /** Action and Version as the request gave them ('' when absent). */
  action: string;
  version: string;
  region: string;
}

/** A refusal of an action, turned into the error envelope by the surface. */
export class OpenApiRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** UTC YYYYMMDDhhmmss then 17 upper-case hex digits, e.g. `2026061120412100000000000ABCDEF`. */
export function newOpenApiRequestId(now: number): string {
  const stamp = new Date(now).toISOString().replace(/\D/g, '').slice(0, 14);
  return `${stamp}${randomBytes(9).toString('hex').toUpperCase().slice(0, 17)}`;
}

export function openApiMetadata(ctx: OpenApiContext) {
  return { RequestId: ctx.requestId, Action: ctx.action, Version: ctx.version, Service: ARK_OPENAPI_SERVICE, Region: ctx.region };
}

export function openApiResult(ctx: OpenApiContext, result: unknown): SandboxReply {
  return { status: 200, body: { ResponseMetadata: openApiMetadata(ctx), Result: result } };
}

export function openApiError(ctx: OpenApiContext, status: number, code: string, message: string): SandboxReply {
  return { status, body: { ResponseMetadata: { ...openApiMetadata(ctx), Error: { Code: code, Message: message } } } };
}
