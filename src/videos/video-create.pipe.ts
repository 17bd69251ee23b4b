/**
 * Turns a `/v1/videos` create as it arrived (JSON or multipart: the fields, the optional `input_reference` image and
 * the Idempotency-Key) into one typed request before the service sees it: the facade's fields translated to a native
 * create (`translateCreate`, OpenAI-shape errors), then that create checked by the native `CreateTaskPipe`, its errors
 * told in the facade's terms.
 */
import { createParamDecorator, ExecutionContext, Injectable, PipeTransform } from '@nestjs/common';
import type { Request } from 'express';
import { CreateTaskPipe } from '../tasks/create-task.pipe';
import type { CreateTaskRequest } from '../tasks/dto/create-task.request';
import { inFacadeTerms } from './facade-errors';
import { translateCreate, type UploadedImage, type VideoCreate } from './video-request';

/** A facade create as the client sent it. */
export interface RawVideoCreate {
  body: unknown;
  /** The multipart `input_reference` file, when one was sent. */
  upload?: UploadedImage;
  idempotencyKey?: string;
}

/** The facade create, typed: what the video shows (`video`) and the native create it becomes (`native`). */
export interface VideoCreateRequest {
  video: VideoCreate;
  native: CreateTaskRequest;
}

/** The create as it arrived, for VideoCreatePipe (`@VideoCreateInput(VideoCreatePipe)`); the body stays documented by `@ApiBody`. */
export const VideoCreateInput = createParamDecorator((_: unknown, ctx: ExecutionContext): RawVideoCreate => {
  const request = ctx.switchToHttp().getRequest<Request & { file?: UploadedImage }>();
  return { body: request.body as unknown, upload: request.file, idempotencyKey: request.header('idempotency-key') };
});

@Injectable()
export class VideoCreatePipe implements PipeTransform<RawVideoCreate, Promise<VideoCreateRequest>> {
  constructor(private readonly createPipe: CreateTaskPipe) {}

  async transform(input: RawVideoCreate): Promise<VideoCreateRequest> {
    const video = translateCreate(input.body, input.upload);
    const native = await inFacadeTerms(this.createPipe.transform({ body: video.native, idempotencyKey: input.idempotencyKey }));
    return { video, native };
  }
}
