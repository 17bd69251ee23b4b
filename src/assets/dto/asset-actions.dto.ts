import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import type { FieldShape } from '../../common/http/case-variant-keys';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';

export const ASSET_TYPES = ['Image', 'Video', 'Audio'] as const;
export const ASSET_STATUSES = ['Pending', 'Processing', 'Active', 'Failed'] as const;
export const ASSET_ACTIONS = ['CreateAssetGroup', 'CreateAsset', 'ListAssetGroups', 'ListAssets', 'GetAssetGroup', 'GetAsset'] as const;
export type AssetAction = (typeof ASSET_ACTIONS)[number];

/** Every field of the asset action bodies, for refusing case variants of them (docs/contract.md §10); `Url`/`url` are aliases of `URL`. */
export const ASSET_BODY_FIELDS: FieldShape = {
  fields: [
    'model',
    'ProjectName',
    'PageNumber',
    'PageSize',
    'SortBy',
    'SortOrder',
    'Name',
    'Description',
    'GroupType',
    'GroupId',
    'URL',
    'AssetType',
    'Moderation',
    'Id',
    'Filter',
  ],
  aliases: ['Url', 'url'],
  nested: {
    Moderation: { fields: ['Strategy'] },
    Filter: { fields: ['Name', 'GroupIds', 'GroupType', 'GroupId', 'Statuses'] },
  },
};

/** Paging bounds: PageNumber × PageSize stays far inside both engines' OFFSET range (docs/contract.md §10). */
export const MAX_PAGE_NUMBER = 1_000_000;
/** Filter.Name: names are at most 64 characters, so a longer fragment matches nothing anyway. */
export const MAX_FILTER_NAME = 64;

/** Fields every asset action accepts: the model (normalised like tasks) and a ProjectName that the platform replaces. */
class AssetRequestBase {
  @ApiPropertyOptional({ example: 'dreamina-seedance-2-0-fast', description: 'Stable model name or official alias.' })
  @IsOptional()
  @IsString({ message: 'model must be a string' })
  model?: string;

  @ApiPropertyOptional({ description: 'Ignored: the platform always uses its own project.' })
  @IsOptional()
  ProjectName?: unknown;
}

class PagingBase extends AssetRequestBase {
  @ApiPropertyOptional({ example: 1, maximum: MAX_PAGE_NUMBER })
  @IsOptional()
  @IsInt({ message: 'PageNumber must be an integer' })
  @Min(1, { message: `PageNumber must be 1–${MAX_PAGE_NUMBER}` })
  @Max(MAX_PAGE_NUMBER, { message: `PageNumber must be 1–${MAX_PAGE_NUMBER}` })
  PageNumber?: number;

  @ApiPropertyOptional({ example: 20, maximum: 100 })
  @IsOptional()
  @IsInt({ message: 'PageSize must be an integer' })
  @Min(1, { message: 'PageSize must be 1–100' })
  @Max(100, { message: 'PageSize must be 1–100' })
  PageSize?: number;

  @ApiPropertyOptional({ enum: ['CreateTime', 'UpdateTime'] })
  @IsOptional()
  @IsIn(['CreateTime', 'UpdateTime'], { message: 'SortBy must be CreateTime or UpdateTime' })
  SortBy?: 'CreateTime' | 'UpdateTime';

  @ApiPropertyOptional({ enum: ['Desc', 'Asc'] })
  @IsOptional()
  @IsIn(['Desc', 'Asc'], { message: 'SortOrder must be Desc or Asc' })
  SortOrder?: 'Desc' | 'Asc';
}

export class CreateAssetGroupDto extends AssetRequestBase {
  @ApiProperty({ example: 'campaign-product-shots', maxLength: 64 })
  @IsString({ message: 'Name is required and must be a string' })
  @IsNotEmpty({ message: 'Name is required' })
  @MaxLength(64, { message: 'Name must be at most 64 characters' })
  Name: string;

  @ApiPropertyOptional({ example: 'Assets for product videos', maxLength: 300 })
  @IsOptional()
  @IsString({ message: 'Description must be a string' })
  @MaxLength(300, { message: 'Description must be at most 300 characters' })
  Description?: string;

  @ApiPropertyOptional({ enum: ['AIGC'], description: 'Filled in as AIGC when missing.' })
  @IsOptional()
  @IsIn(['AIGC'], { message: 'GroupType must be AIGC' })
  GroupType?: 'AIGC';
}

export class ModerationDto {
  @ApiPropertyOptional({ enum: ['Default'], description: 'Skip is not allowed.' })
  @IsOptional()
  @IsIn(['Default'], { message: 'Strategy must be Default' })
  Strategy?: string;
}

export class CreateAssetDto extends AssetRequestBase {
  @ApiProperty({ example: 'group-20260611210000-abcd1' })
  @IsString({ message: 'GroupId is required and must be a string' })
  @IsNotEmpty({ message: 'GroupId is required' })
  GroupId: string;

  @ApiProperty({ example: 'https://example.com/product.png', description: 'Public https URL; `Url` and `url` are accepted too.' })
  @IsString({ message: 'URL is required and must be a string' })
  @IsNotEmpty({ message: 'URL is required' })
  URL: string;

  @ApiProperty({ enum: ASSET_TYPES })
  @IsIn(ASSET_TYPES, { message: 'AssetType must be Image, Video or Audio' })
  AssetType: (typeof ASSET_TYPES)[number];

  @ApiPropertyOptional({ example: 'product-front.png', maxLength: 64 })
  @IsOptional()
  @IsString({ message: 'Name must be a string' })
  @MaxLength(64, { message: 'Name must be at most 64 characters' })
  Name?: string;

  @ApiPropertyOptional({ type: ModerationDto })
  @IsOptional()
  @IsObject({ message: 'Moderation must be an object' })
  @ValidateNested()
  @Type(() => ModerationDto)
  Moderation?: ModerationDto;
}

export class GetByIdDto extends AssetRequestBase {
  @ApiProperty({ example: 'asset-20260611210100-efgh2' })
  @IsString({ message: 'Id is required and must be a string' })
  @IsNotEmpty({ message: 'Id is required' })
  Id: string;
}

export class GroupFilterDto {
  @ApiPropertyOptional({ maxLength: MAX_FILTER_NAME, description: 'Case-insensitive substring of the name; % and _ match themselves.' })
  @IsOptional()
  @IsString({ message: 'Name must be a string' })
  @MaxLength(MAX_FILTER_NAME, { message: `Name must be at most ${MAX_FILTER_NAME} characters` })
  Name?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray({ message: 'GroupIds must be an array' })
  @ArrayMaxSize(100)
  @IsString({ each: true, message: 'GroupIds must contain strings' })
  GroupIds?: string[];

  @ApiPropertyOptional({ enum: ['AIGC'] })
  @IsOptional()
  @IsIn(['AIGC'], { message: 'GroupType must be AIGC' })
  GroupType?: string;
}

export class ListAssetGroupsDto extends PagingBase {
  @ApiPropertyOptional({ type: GroupFilterDto })
  @IsOptional()
  @IsObject({ message: 'Filter must be an object' })
  @ValidateNested()
  @Type(() => GroupFilterDto)
  Filter?: GroupFilterDto;
}

export class AssetFilterDto extends GroupFilterDto {
  @ApiPropertyOptional({ description: 'Single-group form of GroupIds (older page).' })
  @IsOptional()
  @IsString({ message: 'GroupId must be a string' })
  GroupId?: string;

  @ApiPropertyOptional({ isArray: true, enum: ASSET_STATUSES })
  @IsOptional()
  @IsArray({ message: 'Statuses must be an array' })
  @IsIn(ASSET_STATUSES, { each: true, message: 'Statuses may contain Pending, Processing, Active, Failed' })
  Statuses?: string[];
}

export class ListAssetsDto extends PagingBase {
  @ApiPropertyOptional({ description: 'Top-level single-group form (older page).' })
  @IsOptional()
  @IsString({ message: 'GroupId must be a string' })
  GroupId?: string;

  @ApiPropertyOptional({ type: AssetFilterDto })
  @IsOptional()
  @IsObject({ message: 'Filter must be an object' })
  @ValidateNested()
  @Type(() => AssetFilterDto)
  Filter?: AssetFilterDto;
}
