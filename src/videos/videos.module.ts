/** Wires the OpenAI-compatible facade onto the tasks module's public service. */
import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { CommonModule } from '../common/common.module';
import { JsonParser } from '../common/http/json-parser';
import { TasksModule } from '../tasks/tasks.module';
import { ContentReply } from './content-reply';
import { HeldUploadStorage } from './held-upload.storage';
import { ModelsController } from './models.controller';
import { ResultFileClient } from './result-file.client';
import { VideoEntity } from './video.entity';
import { VideoRepository } from './video.repository';
import { VideosController } from './videos.controller';
import { VideosService } from './videos.service';

/** The OpenAI-compatible `/v1/videos` and `/v1/models` facade (docs/contract.md §11), over the native tasks. */
@Module({
  imports: [
    TypeOrmModule.forFeature([VideoEntity]),
    AuditModule,
    TasksModule,
    CommonModule,
    // Uploads (`input_reference`) go to the parser's worker as they arrive, not into one buffer (held-upload.storage.ts).
    MulterModule.registerAsync({
      imports: [CommonModule],
      inject: [JsonParser],
      useFactory: (parser: JsonParser) => ({ storage: new HeldUploadStorage(parser) }),
    }),
  ],
  controllers: [VideosController, ModelsController],
  providers: [VideosService, VideoRepository, ResultFileClient, ContentReply],
})
export class VideosModule {}
