import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { TenancyModule } from '../tenancy/tenancy.module';
import { AdminController } from './admin.controller';

@Module({ imports: [TenancyModule, CatalogModule], controllers: [AdminController] })
export class AdminModule {}
