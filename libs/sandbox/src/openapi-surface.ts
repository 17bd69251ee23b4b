/**
 * `POST /?Action=<Action>&Version=2024-01-01`: the control-plane asset library, behaving like the BytePlus OpenAPI.
 *
 * Checks, in order: method POST (else 405 MethodNotAllowed), V4 signature against the sandbox's access key, region
 * and service `ark` (else 401 with the signature failure code), Version (else 400 InvalidVersion), Action (else 404
 * InvalidActionOrVersion), body a JSON object — an empty body counts as `{}` (else 400 InvalidParameter); then the
 * action itself. Every answer is in the OpenAPI envelope. Routes are upstream operations named after the Action
 * (`unknown` for others), all in the `openapi` family for faults.
 */
import { ARK_OPENAPI_SERVICE, ARK_OPENAPI_VERSION, verifySignature } from '@arkgate/byteplus';
import { isAssetAction, type AssetActions } from './asset-actions';
import { newOpenApiRequestId, openApiError, openApiResult, OpenApiRefusal, type OpenApiContext } from './openapi-envelope';
import type { SandboxReply, SandboxRequest, SandboxRoute, SandboxSurface } from './sandbox-http';

export interface OpenApiSurfaceOptions {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** Wall clock the X-Date skew is measured against (not the sandbox clock, which `advance` moves). */
  wallClock?: () => number;
}

export const OPENAPI_FAULT_FAMILY = 'openapi';

export class OpenApiSurface implements SandboxSurface {
  private readonly wallClock: () => number;

  constructor(
    private readonly actions: AssetActions,
    private readonly opts: OpenApiSurfaceOptions,
  ) {
    this.wallClock = opts.wallClock ?? Date.now;
  }

  route(req: SandboxRequest): SandboxRoute | null {
    if (req.path !== '/' || !req.query.has('Action')) return null;
    const action = req.query.get('Action') ?? '';
    const context = (): OpenApiContext => ({
      requestId: newOpenApiRequestId(req.at),
      action,
      version: req.query.get('Version') ?? '',
      region: this.opts.region,
    });
    return {
      op: isAssetAction(action) ? action : 'unknown',
      family: OPENAPI_FAULT_FAMILY,
      errorBody: (status, code, message) => openApiError(context(), status, code, message).body,
      handle: () => {
        const ctx = context();
        try {
          return this.serve(req, ctx);
        } catch (error) {
          if (error instanceof OpenApiRefusal) return openApiError(ctx, error.status, error.code, error.message);
          throw error;
        }
      },
    };
  }

  private serve(req: SandboxRequest, ctx: OpenApiContext): SandboxReply {
    if (req.method !== 'POST') {
      return openApiError(ctx, 405, 'MethodNotAllowed', `Action ${ctx.action} only accepts POST, not ${req.method}.`);
    }
    const check = verifySignature({
      method: req.method,
      path: req.path,
      query: req.query,
      headers: req.headers,
      rawBody: req.rawBody,
      lookupSecret: (ak) => (ak === this.opts.accessKeyId ? this.opts.secretAccessKey : undefined),
      region: this.opts.region,
      service: ARK_OPENAPI_SERVICE,
      now: this.wallClock(),
    });
    if (!check.ok) return openApiError(ctx, 401, check.code, check.message);
    if (ctx.version !== ARK_OPENAPI_VERSION) {
      return openApiError(ctx, 400, 'InvalidVersion', `The Version "${ctx.version}" is not valid for service ark; use ${ARK_OPENAPI_VERSION}.`);
    }
    if (!isAssetAction(ctx.action)) {
      return openApiError(ctx, 404, 'InvalidActionOrVersion', `The Action "${ctx.action}" does not exist in version ${ARK_OPENAPI_VERSION} of service ark.`);
    }
    let body: unknown = {};
    if (req.rawBody.length > 0) {
      try {
        body = JSON.parse(req.rawBody.toString('utf8'));
      } catch {
        return openApiError(ctx, 400, 'InvalidParameter', 'The request body is not valid JSON.');
      }
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return openApiError(ctx, 400, 'InvalidParameter', 'The request body must be a JSON object.');
    }
    return openApiResult(ctx, this.actions.run(ctx.action, body as Record<string, unknown>));
  }
}
