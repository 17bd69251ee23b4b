import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** Every status a task record can have, the internal ones (`submitting`, `rejected`) included. */
export const RECORD_STATUSES = ['submitting', 'rejected', 'queued', 'running', 'succeeded', 'failed', 'expired', 'cancelled'] as const;

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);

/** `GET /admin/tasks`: the admin task log's filters and cursor. */
export class AdminTasksQuery {
  @ApiPropertyOptional({ description: 'One tenant (all tenants when absent).', example: '0b8e0a3c-6c44-4a3e-9b3c-1f9a0c7d1e2f' })
  @IsOptional()
  @IsString({ message: 'tenant_id must be a string' })
  @MaxLength(64, { message: 'tenant_id is not a tenant id' })
  tenant_id?: string;

  @ApiPropertyOptional({ enum: RECORD_STATUSES, description: 'One record status, the internal ones (submitting, rejected) included.' })
  @IsOptional()
  @IsIn(RECORD_STATUSES, { message: `status must be one of ${RECORD_STATUSES.join(', ')}` })
  status?: (typeof RECORD_STATUSES)[number];

  @ApiPropertyOptional({ example: 'dreamina-seedance-2-0', description: 'A model name (aliases accepted).' })
  @IsOptional()
  @IsString({ message: 'model must be a string' })
  @MaxLength(200, { message: 'model is not a model name' })
  model?: string;

  @ApiPropertyOptional({ example: '2026-11-01T00:00:00Z', description: 'Tasks created at or after (ISO-8601).' })
  @IsOptional()
  @IsISO8601({}, { message: 'from must be an ISO-8601 date or time' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-01T00:00:00Z', description: 'Tasks created before (ISO-8601).' })
  @IsOptional()
  @IsISO8601({}, { message: 'to must be an ISO-8601 date or time' })
  to?: string;

  @ApiPropertyOptional({ description: 'next_cursor of the previous page (opaque).' })
  @IsOptional()
  @IsString({ message: 'cursor must be the next_cursor of a previous page' })
  @MaxLength(400, { message: 'cursor must be the next_cursor of a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200, description: 'Records per page.' })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1, { message: 'limit must be 1–200' })
  @Max(200, { message: 'limit must be 1–200' })
  limit?: number;
}
