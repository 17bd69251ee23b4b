import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '../catalog/catalog.module';
import { AssetGroupEntity } from './asset-group.entity';
import { AssetEntity } from './asset.entity';
import { AssetGroupRepository, AssetRepository } from './asset.repository';
import { AssetsController } from './assets.controller';
import { AssetsService } from './assets.service';

@Module({
  imports: [TypeOrmModule.forFeature([AssetGroupEntity, AssetEntity]), CatalogModule],
  controllers: [AssetsController],
  providers: [AssetsService, AssetGroupRepository, AssetRepository],
  exports: [AssetsService],
})
export class AssetsModule {}
