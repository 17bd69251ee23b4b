import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString } from 'class-validator';

export class PutModelMappingDto {
  @ApiProperty({
    description: 'An exact upstream model version or endpoint id (ep-…). A Filter-Off model must not map to a normal model.',
    example: 'dreamina-seedance-2-0-260128',
  })
  @IsString({ message: 'upstream_model must be a string' })
  @IsNotEmpty({ message: 'upstream_model is required' })
  upstream_model: string;
}

export class ModelMappingViewDto {
  @ApiProperty({ example: 'dreamina-seedance-2-0-filter-off' }) model: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'ep-20260611-filteroff',
    description: 'What a create sends upstream now; null for an unmapped Filter-Off model.',
  })
  upstream_model: string | null;
  @ApiProperty({ nullable: true, type: String, example: null }) official_upstream_model: string | null;
  @ApiProperty() pinned: boolean;
  @ApiProperty() filter_off: boolean;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'ISO-8601 UTC of the last admin change; null if never mapped',
    example: '2026-11-21T06:33:16.000Z',
  })
  updated_at: string | null;
}
