import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { CatalogService } from './catalog.service';
import { ModelMappingEntity } from './model-mapping.entity';

@Module({
  imports: [TypeOrmModule.forFeature([ModelMappingEntity]), AuditModule],
  providers: [CatalogService],
  exports: [CatalogService],
})
export class CatalogModule {}
