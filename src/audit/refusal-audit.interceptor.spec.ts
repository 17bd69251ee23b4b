import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerException } from '@nestjs/throttler';
import { ArkApiError } from '@arkgate/byteplus';
import { lastValueFrom, of, throwError } from 'rxjs';
import { DomainError } from '../common/errors/domain-error';
import { Refusal } from '../common/errors/refusal-listener';
import { attachRequestContext, RequestContext } from '../common/http/request-context';
import type { AppConfig } from '../config/app-config';
import type { TenantContext } from '../common/tenant-identity/tenant-context';
import { Audited } from './audited.decorator';
import type { AuditInput, AuditService } from './audit.service';
import type { RateLimitTally } from './rate-limit-tally';
import { RefusalAuditInterceptor } from './refusal-audit.interceptor';
import { testTenantId } from '../../test/support/tenant-id';

class Routes {
  @Audited('task.delete')
  remove(): void {}

  @Audited((q) => (q.Action === 'DeleteAsset' ? 'asset.DeleteAsset' : null))
  action(): void {}

  read(): void {}
}

const TENANT: TenantContext = {
  id: testTenantId('t1'),
  name: 't',
  status: 'active',
  entitlements: { video_generation: true, asset_library: true, models: [] },
  mediaPolicy: 'any',
  rateLimitPerMinute: 60,
};

function setup() {
  const recorded: AuditInput[] = [];
  const counted: RequestContext[] = [];
  const audit = { recordAlone: async (input: AuditInput) => void recorded.push(input) } as unknown as AuditService;
  const tally = { count: (ctx: RequestContext) => void counted.push(ctx) } as unknown as RateLimitTally;
  const config = { profile: 'phanedge', maxBodyMb: 1 } as AppConfig;
  return { recorded, counted, interceptor: new RefusalAuditInterceptor(new Reflector(), audit, tally, config) };
}

/** A request that passed authentication on `handler`, as the guard leaves it. */
function request(handler: () => void, opts: { params?: Record<string, string>; query?: Record<string, unknown>; authenticated?: boolean } = {}) {
  const req = { params: opts.params ?? {}, query: opts.query ?? {} };
  const ctx = attachRequestContext(req, 'r-1', '127.0.0.1');
  if (opts.authenticated !== false) {
    ctx.principal = { tokenId: 'tok', role: 'tenant', tenant: TENANT };
    ctx.handler = handler;
  }
  return { req, ctx };
}

function contextOf(req: object, handler: () => void): ExecutionContext {
  return {
    getType: () => 'http',
    getHandler: () => handler,
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => req }),
  } as unknown as ExecutionContext;
}

/** Runs the interceptor around a handler that throws `err`; resolves to what reached the error filter. */
async function throwThrough(interceptor: RefusalAuditInterceptor, req: object, handler: () => void, err: unknown): Promise<unknown> {
  return lastValueFrom(interceptor.intercept(contextOf(req, handler), { handle: () => throwError(() => err) })).then(
    () => undefined,
    (e: unknown) => e,
  );
}

function refusal(req: Refusal['request'], ctx: RequestContext, status: number, code: string, more: Partial<Refusal> = {}): Refusal {
  return { request: req, ctx, status, code, upstream: false, databaseUnavailable: false, ...more };
}

describe('refusals of audited routes are recorded once, by RefusalAuditInterceptor', () => {
  it('a handler refusal after authentication: one event with the action, status, code and target, and the error rethrown', async () => {
    const { interceptor, recorded } = setup();
    const { req, ctx } = request(Routes.prototype.remove, { params: { task_id: 'cgt-1' } });
    const err = new DomainError('running_task_deletion', 'running');
    expect(await throwThrough(interceptor, req, Routes.prototype.remove, err)).toBe(err);
    expect(recorded).toEqual([{ action: 'task.delete', ctx, targetId: 'cgt-1', outcome: { status: 409, errorCode: 'InvalidAction.RunningTaskDeletion' } }]);
    // The filter then tells the listener: the interceptor already dealt with this request.
    await interceptor.refused(refusal(req, ctx, 409, 'InvalidAction.RunningTaskDeletion'));
    expect(recorded).toHaveLength(1);
  });

  it('an upstream 4xx is recorded with the upstream status and code', async () => {
    const { interceptor, recorded } = setup();
    const { req } = request(Routes.prototype.remove);
    await throwThrough(interceptor, req, Routes.prototype.remove, new ArkApiError(400, { error: { code: 'InvalidParameter', message: 'bad' } }));
    expect(recorded[0]).toMatchObject({ action: 'task.delete', targetId: null, outcome: { status: 400, errorCode: 'InvalidParameter' } });
  });

  it('no event when the service already wrote one, for an unaudited route, for a read of an action route, or without a caller', async () => {
    const { interceptor, recorded } = setup();
    const written = request(Routes.prototype.remove);
    written.ctx.audited = true;
    await throwThrough(interceptor, written.req, Routes.prototype.remove, new DomainError('conflict', 'x'));
    await throwThrough(interceptor, request(Routes.prototype.read).req, Routes.prototype.read, new DomainError('conflict', 'x'));
    await throwThrough(
      interceptor,
      request(Routes.prototype.action, { query: { Action: 'ListAssets' } }).req,
      Routes.prototype.action,
      new DomainError('conflict', 'x'),
    );
    await throwThrough(interceptor, request(Routes.prototype.remove, { authenticated: false }).req, Routes.prototype.remove, new DomainError('conflict', 'x'));
    expect(recorded).toEqual([]);
    await throwThrough(
      interceptor,
      request(Routes.prototype.action, { query: { Action: 'DeleteAsset' } }).req,
      Routes.prototype.action,
      new DomainError('forbidden_action', 'x'),
    );
    expect(recorded.map((e) => e.action)).toEqual(['asset.DeleteAsset']);
  });

  it('a handler that succeeds passes its value through and records nothing', async () => {
    const { interceptor, recorded } = setup();
    const { req } = request(Routes.prototype.remove);
    expect(await lastValueFrom(interceptor.intercept(contextOf(req, Routes.prototype.remove), { handle: () => of({ ok: true }) }))).toEqual({ ok: true });
    expect(recorded).toEqual([]);
  });

  it('a guard refusal after authentication (before any interceptor): recorded by the listener from the handler the guard left', async () => {
    const { interceptor, recorded } = setup();
    const { req, ctx } = request(Routes.prototype.remove, { params: { task_id: 'cgt-2' } });
    await interceptor.refused(refusal(req, ctx, 503, 'service_unavailable'));
    expect(recorded).toEqual([{ action: 'task.delete', ctx, targetId: 'cgt-2', outcome: { status: 503, errorCode: 'service_unavailable' } }]);
    // Refused before authentication: no caller, no route, no event.
    const anon = request(Routes.prototype.remove, { authenticated: false });
    await interceptor.refused(refusal(anon.req, anon.ctx, 401, 'AuthenticationError'));
    expect(recorded).toHaveLength(1);
  });

  it('a 429 is counted, not recorded, at either stage; an upstream 429 is recorded; nothing is written without a database', async () => {
    const { interceptor, recorded, counted } = setup();
    const guard = request(Routes.prototype.remove);
    await interceptor.refused(refusal(guard.req, guard.ctx, 429, 'rate_limit_exceeded'));
    const handler = request(Routes.prototype.remove);
    await throwThrough(interceptor, handler.req, Routes.prototype.remove, new ThrottlerException());
    expect(recorded).toEqual([]);
    await interceptor.refused(refusal(handler.req, handler.ctx, 429, 'rate_limit_exceeded'));
    expect(counted).toEqual([guard.ctx, handler.ctx]);
    const upstream = request(Routes.prototype.remove);
    await interceptor.refused(refusal(upstream.req, upstream.ctx, 429, 'RateLimitExceeded', { upstream: true }));
    const down = request(Routes.prototype.remove);
    await interceptor.refused(refusal(down.req, down.ctx, 503, 'ServiceUnavailable', { databaseUnavailable: true }));
    expect(recorded.map((e) => e.outcome)).toEqual([{ status: 429, errorCode: 'RateLimitExceeded' }]);
    expect(counted).toHaveLength(2);
  });
});
