import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { TenantOrStaffApi } from '../tenancy/auth/api-auth.decorators';
import { CurrentPrincipal } from '../tenancy/auth/current-tenant.decorator';
import type { Principal } from '../common/tenant-identity/tenant-context';
import { BillingService } from './billing.service';
import { UsageQueryDto } from './dto/usage.query';
import { schemaOf } from '../common/openapi/schema-of';

@ApiTags('billing')
@TenantOrStaffApi()
@Controller('billing')
export class BillingController {
  constructor(private readonly billing: BillingService) {}

  @Get('usage')
  @ApiOperation({
    summary: 'Charged usage: tasks, tokens and USD, grouped by day, model or SKU. A tenant sees its own; an auditor or admin any tenant.',
    description: 'Sums the ledger (one entry per succeeded task) over [from, to). Amounts are decimal USD strings, exact to the nano-dollar.',
  })
  @ApiOkResponse({
    description: 'Totals and one item per group key.',
    schema: schemaOf({
      tenant_id: '0b8e0a3c-6c44-4a3e-9b3c-1f9a0c7d1e2f',
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
      group_by: 'sku',
      totals: { tasks: 2, tokens: 149494, amount_usd: '0.9896264' },
      items: [
        { key: 'dreamina-seedance-2-0-720p-novideo', tasks: 1, tokens: 108900, amount_usd: '0.7623' },
        { key: 'dreamina-seedance-2-0-fast-novideo', tasks: 1, tokens: 40594, amount_usd: '0.2273264' },
      ],
    }),
  })
  usage(@CurrentPrincipal() principal: Principal, @Query() query: UsageQueryDto) {
    return this.billing.usageFor(principal, query);
  }
}
