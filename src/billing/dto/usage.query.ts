import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString } from 'class-validator';

export class UsageQueryDto {
  @ApiPropertyOptional({ example: '2026-11-01', description: 'ISO-8601 date or time, inclusive; default 30 days before `to`.' })
  @IsOptional()
  @IsISO8601({}, { message: 'from must be an ISO-8601 date or time' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-01', description: 'ISO-8601 date or time, exclusive; default now.' })
  @IsOptional()
  @IsISO8601({}, { message: 'to must be an ISO-8601 date or time' })
  to?: string;

  @ApiPropertyOptional({ enum: ['day', 'model', 'sku', 'tenant'], default: 'day', description: 'How items are grouped (`tenant`: admins and auditors only).' })
  @IsOptional()
  @IsIn(['day', 'model', 'sku', 'tenant'], { message: 'group_by must be day, model, sku or tenant' })
  group_by?: 'day' | 'model' | 'sku' | 'tenant';

  @ApiPropertyOptional({ description: 'Admins only: one tenant (all tenants when absent).' })
  @IsOptional()
  @IsString({ message: 'tenant_id must be a string' })
  tenant_id?: string;
}
