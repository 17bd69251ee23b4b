import { Controller, Get, HttpCode } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PublicApi } from '../tenancy/auth/api-auth.decorators';
import { HealthService } from './health.service';

@ApiTags('health')
@PublicApi()
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('healthz')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  alive() {
    return { status: 'ok' };
  }

  @Get('readyz')
  @ApiOperation({ summary: 'Readiness: the database answers (503 otherwise)' })
  @ApiOkResponse({ schema: { example: { status: 'ready', database: 'ok' } } })
  ready() {
    return this.health.ready();
  }
}
