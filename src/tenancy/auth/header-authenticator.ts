import { Injectable } from '@nestjs/common';
import type { RequestAuthenticator } from '../../common/http/body-gate.middleware';
import { TenancyService } from '../tenancy.service';
import type { Principal } from '../../common/tenant-identity/tenant-context';
import { bearerTokenOf } from './bearer-header';
import { UnauthenticatedRateLimiter } from './unauthenticated-rate-limiter';

/** The caller named by the Authorization header, for the body gate: 401, or 429 past the unauthenticated rate. */
@Injectable()
export class HeaderAuthenticator implements RequestAuthenticator {
  constructor(
    private readonly tenancy: TenancyService,
    private readonly limiter: UnauthenticatedRateLimiter,
  ) {}

  async authenticate(authorization: string | undefined, ip: string): Promise<Principal> {
    const token = bearerTokenOf(authorization);
    const principal = token ? await this.tenancy.authenticate(token) : null;
    if (principal) return principal;
    throw await this.limiter.refusal(ip);
  }
}
