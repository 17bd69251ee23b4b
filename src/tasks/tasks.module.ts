import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '../catalog/catalog.module';
import { AssetsModule } from '../assets/assets.module';
import { AssetsService } from '../assets/assets.service';
import { ASSET_REFERENCES } from './asset-references';
import { TaskEntity } from './task.entity';
import { TaskRepository } from './task.repository';
import { TaskSyncService } from './task-sync.service';
import { TasksController } from './tasks.controller';
import { TasksService } from './tasks.service';

@Module({
  imports: [TypeOrmModule.forFeature([TaskEntity]), CatalogModule, AssetsModule],
  controllers: [TasksController],
  providers: [TasksService, TaskSyncService, TaskRepository, { provide: ASSET_REFERENCES, useExisting: AssetsService }],
  exports: [TasksService, TaskSyncService],
})
export class TasksModule {}
