import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, Min } from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);

export class AuditEventsQueryDto {
  @ApiPropertyOptional({ description: 'One tenant (all tenants when absent).' }) @IsOptional() @IsString() tenant_id?: string;
  @ApiPropertyOptional({ example: 'task.create', description: 'One action, e.g. task.create, admin.tenant.update.' }) @IsOptional() @IsString() action?: string;
  @ApiPropertyOptional({ description: 'Actor token id.' }) @IsOptional() @IsString() actor?: string;
  @ApiPropertyOptional({ description: 'The X-Request-Id of the call.' }) @IsOptional() @IsString() request_id?: string;
  @ApiPropertyOptional({ example: '2026-11-01', description: 'Events at or after (ISO-8601).' })
  @IsOptional()
  @IsISO8601({}, { message: 'from must be an ISO-8601 date or time' })
  from?: string;
  @ApiPropertyOptional({ example: '2026-12-01', description: 'Events before (ISO-8601).' })
  @IsOptional()
  @IsISO8601({}, { message: 'to must be an ISO-8601 date or time' })
  to?: string;
  @ApiPropertyOptional({ description: 'next_cursor of the previous page.' })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'cursor must be the next_cursor of a previous page' })
  @Min(1, { message: 'cursor must be the next_cursor of a previous page' })
  @Max(2_147_483_647, { message: 'cursor must be the next_cursor of a previous page' })
  cursor?: number;
  @ApiPropertyOptional({ default: 100, maximum: 500, description: 'Events per page.' })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1, { message: 'limit must be 1–500' })
  @Max(500, { message: 'limit must be 1–500' })
  limit?: number;
}

export class TaskExportQueryDto {
  @ApiPropertyOptional({ enum: ['csv', 'ndjson'], default: 'csv', description: 'CSV with a header row, or one JSON object per line.' })
  @IsOptional()
  @IsIn(['csv', 'ndjson'], { message: 'format must be csv or ndjson' })
  format?: 'csv' | 'ndjson';
  @ApiPropertyOptional({ example: '2026-11-01', description: 'Tasks created at or after (ISO-8601).' })
  @IsOptional()
  @IsISO8601({}, { message: 'from must be an ISO-8601 date or time' })
  from?: string;
  @ApiPropertyOptional({ example: '2026-12-01', description: 'Tasks created before (ISO-8601).' })
  @IsOptional()
  @IsISO8601({}, { message: 'to must be an ISO-8601 date or time' })
  to?: string;
  @ApiPropertyOptional({ description: 'One tenant (all tenants when absent).' }) @IsOptional() @IsString() tenant_id?: string;
  @ApiPropertyOptional({
    enum: ['submitting', 'rejected', 'queued', 'running', 'succeeded', 'failed', 'expired', 'cancelled'],
    description: 'One record status.',
  })
  @IsOptional()
  @IsIn(['submitting', 'rejected', 'queued', 'running', 'succeeded', 'failed', 'expired', 'cancelled'], { message: 'status is not a task status' })
  status?: string;
  @ApiPropertyOptional({ example: 'dreamina-seedance-2-0', description: 'One model name.' }) @IsOptional() @IsString() model?: string;
}
