import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

/** May be left out, but not sent as null: the field has no "none" value to store. */
const OptionalNotNull = () => ValidateIf((_o: unknown, value: unknown) => value !== undefined);
import { USD_PATTERN } from '../../common/money';
import { STABLE_MODEL_NAMES } from '../../catalog/catalog-rules';

export class EntitlementsDto {
  @ApiPropertyOptional({ example: true })
  @IsOptional()
  @IsBoolean({ message: 'video_generation must be a boolean' })
  video_generation?: boolean;

  @ApiPropertyOptional({ example: true })
  @IsOptional()
  @IsBoolean({ message: 'asset_library must be a boolean' })
  asset_library?: boolean;

  @ApiPropertyOptional({
    isArray: true,
    enum: STABLE_MODEL_NAMES,
    description: 'Stable model names the tenant may call; Filter-Off models only when listed.',
    example: ['dreamina-seedance-2-0', 'dreamina-seedance-2-0-fast', 'dreamina-seedance-2-0-mini'],
  })
  @IsOptional()
  @IsArray({ message: 'models must be an array of stable model names' })
  @ArrayUnique({ message: 'models must not repeat a name' })
  @IsIn(STABLE_MODEL_NAMES, { each: true, message: `models may contain only ${STABLE_MODEL_NAMES.join(', ')}` })
  models?: string[];
}

export class CreateTenantDto {
  @ApiProperty({ example: 'acme-studio' })
  // Checked from the bottom up, the first failure answers: required, then a string, then its length.
  @MaxLength(200, { message: 'name must be at most 200 characters' })
  @IsString({ message: 'name must be a string' })
  @IsNotEmpty({ message: 'name is required' })
  name: string;

  @ApiPropertyOptional({ type: EntitlementsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => EntitlementsDto)
  entitlements?: EntitlementsDto;

  @ApiPropertyOptional({ enum: ['asset_only', 'any'], description: 'Default follows the profile (phanedge: asset_only, kapon: any).' })
  @IsOptional()
  @IsIn(['asset_only', 'any'], { message: 'media_policy must be asset_only or any' })
  media_policy?: 'asset_only' | 'any';

  @ApiPropertyOptional({ example: 600 })
  @IsOptional()
  @IsInt({ message: 'rate_limit_per_minute must be an integer' })
  @Min(1, { message: 'rate_limit_per_minute must be at least 1' })
  @Max(1000000, { message: 'rate_limit_per_minute must be at most 1000000' })
  rate_limit_per_minute?: number;

  @ApiPropertyOptional({
    example: '250.00',
    nullable: true,
    type: String,
    description: 'Cap on total charges in USD; null removes it. Creates that could pass it are refused.',
  })
  @IsOptional()
  @IsString({ message: 'spend_limit_usd must be a decimal string such as "250.00", or null' })
  @Matches(USD_PATTERN, { message: 'spend_limit_usd must be a decimal string such as "250.00", or null' })
  spend_limit_usd?: string | null;
}

export class UpdateTenantDto {
  @ApiPropertyOptional()
  @OptionalNotNull()
  @IsString({ message: 'name must be a string' })
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ enum: ['active', 'suspended'] })
  @OptionalNotNull()
  @IsIn(['active', 'suspended'], { message: 'status must be active or suspended' })
  status?: 'active' | 'suspended';

  @ApiPropertyOptional({ type: EntitlementsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => EntitlementsDto)
  entitlements?: EntitlementsDto;

  @ApiPropertyOptional({ enum: ['asset_only', 'any'] })
  @IsOptional()
  @IsIn(['asset_only', 'any'], { message: 'media_policy must be asset_only or any' })
  media_policy?: 'asset_only' | 'any';

  @ApiPropertyOptional()
  @OptionalNotNull()
  @IsInt({ message: 'rate_limit_per_minute must be an integer' })
  @Min(1)
  @Max(1000000)
  rate_limit_per_minute?: number;

  @ApiPropertyOptional({
    example: '250.00',
    nullable: true,
    type: String,
    description: 'Cap on total charges in USD; null removes it. Creates that could pass it are refused.',
  })
  @IsOptional()
  @IsString({ message: 'spend_limit_usd must be a decimal string such as "250.00", or null' })
  @Matches(USD_PATTERN, { message: 'spend_limit_usd must be a decimal string such as "250.00", or null' })
  spend_limit_usd?: string | null;
}

export class TenantViewDto {
  @ApiProperty({ example: '0b8e0a3c-6c44-4a3e-9b3c-1f9a0c7d1e2f' }) id: string;
  @ApiProperty({ example: 'acme-studio' }) name: string;
  @ApiProperty({ enum: ['active', 'suspended'] }) status: string;
  @ApiProperty({ type: EntitlementsDto }) entitlements: EntitlementsDto;
  @ApiProperty({ enum: ['asset_only', 'any'] }) media_policy: string;
  @ApiProperty({ example: 600 }) rate_limit_per_minute: number;
  @ApiProperty({ nullable: true, type: String, example: '250.00' }) spend_limit_usd: string | null;
  @ApiProperty({ type: String, format: 'date-time', description: 'ISO-8601 UTC', example: '2026-11-21T06:33:16.000Z' }) created_at: string;
  @ApiProperty({ type: String, format: 'date-time', description: 'ISO-8601 UTC of the last change', example: '2026-11-21T06:33:16.000Z' }) updated_at: string;
}
