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
