/** Sends streamed video content with a status decided at run time (206 for a Range). */
import { Injectable, Logger, StreamableFile } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { VideoContent } from './videos.service';

/**
 * Sends a video's bytes as they arrive from upstream, with the status it decided (200, 206 or 416), through the
 * HTTP adapter and a StreamableFile: piped with backpressure, the upstream stream destroyed when the client goes
 * away, the connection cut (never a short file that looks whole) when the upstream fails midway.
 * Needed because Nest applies a route's fixed status to a returned StreamableFile, and 206 is not fixed.
 */
@Injectable()
export class ContentReply {
  private readonly logger = new Logger(ContentReply.name);

  constructor(private readonly host: HttpAdapterHost) {}

  send(response: unknown, content: VideoContent): void {
    const adapter = this.host.httpAdapter;
    for (const [name, value] of Object.entries(content.headers)) adapter.setHeader(response, name, value);
    const file = new StreamableFile(content.stream, { type: content.contentType, length: content.length });
    file.setErrorLogger((err) => this.logger.warn(`video content stream failed: ${err.message}`));
    file.setErrorHandler((err, res) => {
      this.logger.warn(`video content stream failed: ${err.message}`);
      (res as { destroy?: () => void }).destroy?.();
    });
    adapter.reply(response, file, content.status);
  }
}
