import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { CommonModule } from '../common/common.module';
import { UpstreamModule } from '../upstream/upstream.module';
import { CatalogModule } from '../catalog/catalog.module';
import { AssetGroupEntity } from './asset-group.entity';
import { AssetEntity } from './asset.entity';
import { AssetCrossTenantReader } from './asset-cross-tenant.reader';
import { AssetGroupRepository } from './asset-group.repository';
import { AssetRepository } from './asset.repository';
import { AssetsController } from './assets.controller';
import { AssetsService } from './assets.service';
import { AssetReconciler } from './asset-reconciler.service';
import { AssetSubmissionEntity } from './asset-submission.entity';
import { AssetSubmissionRepository } from './asset-submission.repository';
import { UnresolvedAssetSubmissionsReader } from './unresolved-asset-submissions.reader';

@Module({
  imports: [TypeOrmModule.forFeature([AssetGroupEntity, AssetEntity, AssetSubmissionEntity]), AuditModule, CatalogModule, CommonModule, UpstreamModule],
  controllers: [AssetsController],
  providers: [
    AssetsService,
    AssetGroupRepository,
    AssetRepository,
    AssetSubmissionRepository,
    AssetCrossTenantReader,
    AssetReconciler,
    UnresolvedAssetSubmissionsReader,
  ],
  exports: [AssetsService, AssetReconciler],
})
export class AssetsModule {}
