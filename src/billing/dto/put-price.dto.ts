import { ApiPropertyOptional } from '@nestjs/swagger';

export class PutPriceDto {
  @ApiPropertyOptional({ example: '7.5', description: 'USD per million tokens, as a decimal string (a number is accepted too).' })
  usd_per_million_tokens: string | number;
}
