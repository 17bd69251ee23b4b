import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidateIf,
  ValidateNested,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { errorKey } from '../../common/http/native-validation';

export const RATIOS = ['adaptive', '16:9', '9:16', '1:1', '4:3', '3:4', '21:9'] as const;
export const RESOLUTIONS = ['480p', '720p', '1080p', '4k'] as const;
export const CONTENT_TYPES = ['text', 'image_url', 'video_url', 'audio_url'] as const;
export const CONTENT_ROLES = ['first_frame', 'last_frame', 'reference_image', 'reference_video', 'reference_audio'] as const;

@ValidatorConstraint({ name: 'duration' })
class DurationRule implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return value === -1 || (Number.isInteger(value) && (value as number) >= 4 && (value as number) <= 15);
  }
  defaultMessage(): string {
    return 'duration must be an integer from 4 to 15 seconds, or -1 to let the model choose';
  }
}

export class MediaUrlDto {
  @ApiProperty({ description: 'https URL, base64 data URI (image/audio), or asset://<Asset_Id>', example: 'asset://asset-20260611210100-efgh2' })
  @IsString({ message: 'url must be a string' })
  @IsNotEmpty({ message: 'url must not be empty' })
  url: string;
}

export class ContentItemDto {
  @ApiProperty({ enum: CONTENT_TYPES })
  @IsIn(CONTENT_TYPES, { message: `type must be one of ${CONTENT_TYPES.join(', ')}` })
  type: string;

  @ApiPropertyOptional({ description: 'The prompt, for type=text.' })
  @ValidateIf((o: ContentItemDto) => o.type === 'text')
  @IsString({ message: 'text must be a string' })
  @IsNotEmpty({ message: 'text must not be empty' })
  text?: string;

  @ApiPropertyOptional({ enum: CONTENT_ROLES, description: 'first_frame / last_frame / reference_image for images; reference_video; reference_audio.' })
  @IsOptional()
  @IsIn(CONTENT_ROLES, { message: `role must be one of ${CONTENT_ROLES.join(', ')}` })
  role?: string;

  @ApiPropertyOptional({ type: MediaUrlDto })
  @ValidateIf((o: ContentItemDto) => o.type === 'image_url')
  @IsObject({ message: 'image_url must be an object with a url' })
  @ValidateNested()
  @Type(() => MediaUrlDto)
  image_url?: MediaUrlDto;

  @ApiPropertyOptional({ type: MediaUrlDto })
  @ValidateIf((o: ContentItemDto) => o.type === 'video_url')
  @IsObject({ message: 'video_url must be an object with a url' })
  @ValidateNested()
  @Type(() => MediaUrlDto)
  video_url?: MediaUrlDto;

  @ApiPropertyOptional({ type: MediaUrlDto })
  @ValidateIf((o: ContentItemDto) => o.type === 'audio_url')
  @IsObject({ message: 'audio_url must be an object with a url' })
  @ValidateNested()
  @Type(() => MediaUrlDto)
  audio_url?: MediaUrlDto;
}

/**
 * The BytePlus create-task body (docs/contract.md §3). `null` in an optional field means absent; fields not
 * listed here are forwarded upstream unchanged.
 */
export class CreateTaskDto {
  @ApiProperty({ description: 'Stable model name, or one of the three official version names.', example: 'dreamina-seedance-2-0' })
  @IsString({ message: 'model is required and must be a string' })
  @IsNotEmpty({ message: 'model is required' })
  model: string;

  @ApiProperty({ type: [ContentItemDto], description: 'text, image_url, video_url and audio_url items.' })
  @IsArray({ message: 'content is required and must be an array' })
  @ArrayNotEmpty({ message: 'content must contain a prompt text or reference media' })
  @ValidateNested({ each: true })
  @Type(() => ContentItemDto)
  content: ContentItemDto[];

  @ApiPropertyOptional({ description: '4–15 seconds, or -1 to let the model choose.', example: 4 })
  @IsOptional()
  @Validate(DurationRule, errorKey('invalid_duration'))
  duration?: number;

  @ApiPropertyOptional({ enum: RATIOS, example: '16:9' })
  @IsOptional()
  @IsIn(RATIOS, { message: `ratio must be one of ${RATIOS.join(', ')}` })
  ratio?: string;

  @ApiPropertyOptional({ enum: RESOLUTIONS, description: '1080p and 4k on the standard family only.', example: '720p' })
  @IsOptional()
  @IsIn(RESOLUTIONS, { message: `resolution must be one of ${RESOLUTIONS.join(', ')}` })
  resolution?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean({ message: 'generate_audio must be a boolean' })
  generate_audio?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean({ message: 'watermark must be a boolean' })
  watermark?: boolean;

  @ApiPropertyOptional({ description: 'Return content.last_frame_url when the task succeeds.' })
  @IsOptional()
  @IsBoolean({ message: 'return_last_frame must be a boolean' })
  return_last_frame?: boolean;

  @ApiPropertyOptional({ minimum: 3600, maximum: 259200, example: 3600 })
  @IsOptional()
  @IsInt({ message: 'execution_expires_after must be an integer number of seconds' })
  @Min(3600, { message: 'execution_expires_after must be between 3600 and 259200' })
  @Max(259200, { message: 'execution_expires_after must be between 3600 and 259200' })
  execution_expires_after?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 9, example: 0 })
  @IsOptional()
  @IsInt({ message: 'priority must be an integer' })
  @Min(0, { message: 'priority must be between 0 and 9' })
  @Max(9, { message: 'priority must be between 0 and 9' })
  priority?: number;

  @ApiPropertyOptional({ maxLength: 64, description: 'Stable hashed end-user id.', example: 'user-hash-001' })
  @IsOptional()
  @IsString({ message: 'safety_identifier must be a string' })
  @MaxLength(64, { message: 'safety_identifier must be at most 64 characters' })
  safety_identifier?: string;

  @ApiPropertyOptional({ enum: ['default', 'flex'] })
  @IsOptional()
  @IsIn(['default', 'flex'], { message: 'service_tier must be default or flex' })
  service_tier?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean({ message: 'draft must be a boolean' })
  draft?: boolean;

  @ApiPropertyOptional({ minimum: -1, maximum: 4294967295 })
  @IsOptional()
  @IsInt({ message: 'seed must be an integer' })
  @Min(-1, { message: 'seed must be between -1 and 4294967295' })
  @Max(4294967295, { message: 'seed must be between -1 and 4294967295' })
  seed?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean({ message: 'camera_fixed must be a boolean' })
  camera_fixed?: boolean;

  @ApiPropertyOptional({ minimum: 29, maximum: 289, description: 'Older models only (25 + 4n).' })
  @IsOptional()
  @IsInt({ message: 'frames must be an integer' })
  @Min(29, { message: 'frames must be between 29 and 289' })
  @Max(289, { message: 'frames must be between 29 and 289' })
  frames?: number;

  @ApiPropertyOptional({
    description: 'Native status callback: a non-empty https URL whose host resolves only to public addresses. `CallbackURL` is accepted as an alias.',
    example: 'https://example.com/volcark/callback',
  })
  @IsOptional()
  @IsString({ message: 'callback_url must be a string' })
  callback_url?: string;
}

export class CreateTaskResponseDto {
  @ApiProperty({ example: 'cgt-20260611204121-462cw' })
  id: string;
}
