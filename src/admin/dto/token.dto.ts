import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class IssueTenantTokenDto {
  @ApiProperty({ example: 'production' })
  @IsString({ message: 'name must be a string' })
  @IsNotEmpty({ message: 'name is required' })
  @MaxLength(200)
  name: string;
}

export class IssueStaffTokenDto {
  @ApiProperty({ example: 'finance-auditor' })
  @IsString({ message: 'name must be a string' })
  @IsNotEmpty({ message: 'name is required' })
  @MaxLength(200)
  name: string;

  @ApiProperty({ enum: ['admin', 'auditor'] })
  @IsIn(['admin', 'auditor'], { message: 'role must be admin or auditor' })
  role: 'admin' | 'auditor';
}

export class IssuedTokenDto {
  @ApiProperty({ example: '5f1c2b3a-7d5e-4c1b-9a0e-2b3c4d5e6f70' }) id: string;
  @ApiProperty({ example: 'oh-3q2FvXb1mK0yJt8sWcD4nR6eL9aZpQ7u', description: 'Shown once; only its hash is kept.' }) token: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['tenant', 'auditor', 'admin'] }) role: string;
  @ApiProperty({ nullable: true, type: String }) tenant_id: string | null;
}

export class TokenViewDto {
  @ApiProperty({ example: '5f1c2b3a-7d5e-4c1b-9a0e-2b3c4d5e6f70' }) id: string;
  @ApiProperty({ example: 'production' }) name: string;
  @ApiProperty({ enum: ['tenant', 'auditor', 'admin'] }) role: string;
  @ApiProperty({ nullable: true, type: String }) tenant_id: string | null;
  @ApiProperty({ example: 'oh-3q2F', description: 'The first characters of the token.' }) prefix: string;
  @ApiProperty({ type: String, format: 'date-time', description: 'ISO-8601 UTC', example: '2026-11-21T06:33:16.000Z' }) created_at: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'ISO-8601 UTC of the revocation; null while live', example: null })
  revoked_at: string | null;
}
