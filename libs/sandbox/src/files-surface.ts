/**
 * Media served without auth, like signed URLs:
 *
 *   GET /files/<task id>.mp4|.png   result media of succeeded tasks (a single `Range: bytes=…` is honoured: 206 or 416)
 *   GET /assets/<asset id>          the processed file of an Active asset (its GetAsset URL; the query is ignored):
 *                                   Image → the PNG, Video → the MP4, Audio → silent MP3
 */
import type { ArkAssetType } from '@arkgate/byteplus';
import type { AssetStore } from './asset-store';
import { bufferFile, parseRange, type ResultFile } from './result-file';
import type { SandboxAssets } from './sandbox-assets';
import { arkError, decodeSegment, type SandboxReply, type SandboxRequest, type SandboxRoute, type SandboxSurface } from './sandbox-http';
import type { TaskStore } from './task-store';

const FILE = /^\/files\/([^/]+)\.(mp4|png)$/;
const ASSET = /^\/assets\/([^/]+)$/;
const CONTENT_TYPES: Record<ArkAssetType, string> = { Image: 'image/png', Video: 'video/mp4', Audio: 'audio/mpeg' };

export class FilesSurface implements SandboxSurface {
  private readonly video: ResultFile;
  private readonly lastFrame: ResultFile;

  constructor(
    private readonly store: TaskStore,
    private readonly assets: SandboxAssets,
    private readonly assetStore: AssetStore,
    /** Serves this file as every result MP4 instead of the sample (e.g. a large synthetic one). */
    resultVideo?: ResultFile,
  ) {
    this.video = resultVideo ?? bufferFile(assets.video, 'video/mp4');
    this.lastFrame = bufferFile(assets.lastFrame, 'image/png');
  }

  route(req: SandboxRequest): SandboxRoute | null {
    if (req.method !== 'GET' && req.method !== 'HEAD') return null;
    const file = FILE.exec(req.path);
    if (file) {
      const id = decodeSegment(file[1]);
      const range = typeof req.headers.range === 'string' ? req.headers.range : undefined;
      return { handle: () => this.serveResult(id, file[2] as 'mp4' | 'png', range) };
    }
    const asset = ASSET.exec(req.path);
    if (asset) {
      const id = decodeSegment(asset[1]);
      return { handle: () => this.serveAsset(id) };
    }
    return null;
  }

  private serveResult(id: string, kind: 'mp4' | 'png', rangeHeader: string | undefined): SandboxReply {
    const task = this.store.get(id);
    const available = task?.status === 'succeeded' && (kind === 'mp4' || task.params.returnLastFrame);
    if (!available) return arkError(404, 'ResourceNotFound', `The file ${id}.${kind} does not exist.`);
    const file = kind === 'mp4' ? this.video : this.lastFrame;
    const headers = { 'Content-Type': file.contentType, 'Accept-Ranges': 'bytes' };
    const range = parseRange(rangeHeader, file.size);
    if (range === 'unsatisfiable') return { status: 416, headers: { ...headers, 'Content-Range': `bytes */${file.size}` } };
    if (range === null) return { status: 200, headers, body: file.read(0, file.size - 1), length: file.size };
    return {
      status: 206,
      headers: { ...headers, 'Content-Range': `bytes ${range.start}-${range.end}/${file.size}` },
      body: file.read(range.start, range.end),
      length: range.end - range.start + 1,
    };
  }

  private serveAsset(id: string): SandboxReply {
    const asset = this.assetStore.asset(id);
    if (asset?.status !== 'Active') return arkError(404, 'ResourceNotFound', `The asset file ${id} does not exist.`);
    const body = asset.assetType === 'Image' ? this.assets.lastFrame : asset.assetType === 'Video' ? this.assets.video : this.assets.audio;
    return { status: 200, headers: { 'Content-Type': CONTENT_TYPES[asset.assetType] }, body };
  }
}
