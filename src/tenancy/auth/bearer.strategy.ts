import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { TenancyService } from '../tenancy.service';
import type { Principal } from '../tenant-context';

/** passport-http-bearer: the token in `Authorization: Bearer oh-…` becomes the request's Principal. */
@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  constructor(private readonly tenancy: TenancyService) {
    super();
  }

  async validate(token: string): Promise<Principal | false> {
    if (!token.startsWith('oh-')) return false;
    return (await this.tenancy.authenticate(token)) ?? false;
  }
}
