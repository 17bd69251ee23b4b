import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { IncomingMessage } from 'node:http';
import { Strategy } from 'passport-http-bearer';
import { TenancyService } from '../tenancy.service';
import type { Principal } from '../../common/tenant-identity/tenant-context';
import { bearerTokenOf } from './bearer-header';

/**
 * passport-http-bearer, header only: the token in `Authorization: Bearer oh-…` becomes the request's
 * Principal. The library also takes `?access_token=` and a body `access_token`; a token found there is
 * never accepted (docs/contract.md §10), and with both a header and one of those the library itself fails.
 */
@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  constructor(private readonly tenancy: TenancyService) {
    super({ passReqToCallback: true });
  }

  async validate(req: IncomingMessage, token: string): Promise<Principal | false> {
    if (bearerTokenOf(req.headers.authorization) !== token) return false;
    return (await this.tenancy.authenticate(token)) ?? false;
  }
}
