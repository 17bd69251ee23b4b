/** Fetches upstream result files (the signed video and last-frame URLs) as streams. */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DomainError } from '../common/errors/domain-error';

/** An upstream result file, opened: what to answer and the bytes, still unread. */
export interface OpenedFile {
  status: 200 | 206 | 416;
  length?: number;
  contentRange?: string;
  stream: Readable;
}

const BODY_IDLE_MS = 120_000;
const SINGLE_RANGE = /^bytes=(\d+-\d*|-\d+)$/;

/**
 * Opens the result URL the upstream reported for a task (its signed object-storage URL) and hands back the
 * response stream unread, so the gateway can pipe it to the client with backpressure: the file is never held
 * whole. A single `Range` is passed on and the upstream's 206/416 kept; any other Range is not sent (the whole
 * file is served, as RFC 9110 allows). The URL comes from the upstream, not from a tenant, so it is fetched as is.
 */
@Injectable()
export class ResultFileClient {
  private readonly logger = new Logger(ResultFileClient.name);

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async open(url: string, range: string | undefined, requestId: string): Promise<OpenedFile> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw new DomainError('upstream_error', 'The model service reported an unusable result URL.');
    }
    if (target.protocol !== 'https:' && target.protocol !== 'http:') {
      throw new DomainError('upstream_error', 'The model service reported an unusable result URL.');
    }
    const headers: Record<string, string> = {};
    if (range !== undefined && SINGLE_RANGE.test(range.trim())) headers.range = range.trim();

    const res = await this.get(target, headers).catch((err: Error) => {
      this.logger.warn(`[${requestId}] result file fetch failed: ${err.message}`);
      throw new DomainError('upstream_error', 'The model service is temporarily unavailable. Please retry later.');
    });
    const status = res.statusCode ?? 0;
    if (status === 200 || status === 206 || status === 416) {
      const length = Number(res.headers['content-length']);
      return {
        status,
        length: status !== 416 && Number.isSafeInteger(length) && length >= 0 ? length : undefined,
        contentRange: typeof res.headers['content-range'] === 'string' ? res.headers['content-range'] : undefined,
        stream: res,
      };
    }
    res.resume();
    if (status === 403 || status === 404 || status === 410) {
      throw new DomainError('video_content_unavailable', 'The content of this video is no longer available upstream (result files live about 24 hours).');
    }
    this.logger.warn(`[${requestId}] result file answered ${status}`);
    throw new DomainError('upstream_error', 'The model service is temporarily unavailable. Please retry later.');
  }

  /** Resolves once the response headers are in; the socket idle timeout also covers the body as it streams. */
  private get(target: URL, headers: Record<string, string>): Promise<IncomingMessage> {
    const timeoutMs = this.config.ark.timeoutMs;
    return new Promise((resolve, reject) => {
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(target, { method: 'GET', headers });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no data for ${timeoutMs} ms`)));
      req.once('response', (res) => {
        // While the body streams, the pause of a slow client (backpressure) may be longer than a header wait.
        req.setTimeout(Math.max(timeoutMs, BODY_IDLE_MS));
        resolve(res);
      });
      req.once('error', reject);
      req.end();
    });
  }
}
