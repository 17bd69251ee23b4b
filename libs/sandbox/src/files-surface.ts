/**
 * Media served without auth, like signed URLs:
 *
 *   GET /files/<task id>.mp4|.png   result media of succeeded tasks
 *   GET /assets/<asset id>          the processed file of an Active asset (its GetAsset URL; the query is ignored):
 *                                   Image → the PNG, Video → the MP4, Audio → silent MP3
 */
import type { ArkAssetType } from '@arkgate/byteplus';
import type { AssetStore } from './asset-store';
import type { SandboxAssets } from './sandbox-assets';
import { arkError, decodeSegment, type SandboxReply, type SandboxRequest, type SandboxRoute, type SandboxSurface } from './sandbox-http';
import type { TaskStore } from './task-store';

const FILE = /^\/files\/([^/]+)\.(mp4|png)$/;
const ASSET = /^\/assets\/([^/]+)$/;
const CONTENT_TYPES: Record<ArkAssetType, string> = { Image: 'image/png', Video: 'video/mp4', Audio: 'audio/mpeg' };

export class FilesSurface implements SandboxSurface {
  constructor(
    private readonly store: TaskStore,
    private readonly assets: SandboxAssets,
    private readonly assetStore: AssetStore,
  ) {}

  route(req: SandboxRequest): SandboxRoute | null {
    if (req.method !== 'GET' && req.method !== 'HEAD') return null;
    const file = FILE.exec(req.path);
    if (file) {
      const id = decodeSegment(file[1]);
      return { handle: () => this.serveResult(id, file[2] as 'mp4' | 'png') };
    }
    const asset = ASSET.exec(req.path);
    if (asset) {
      const id = decodeSegment(asset[1]);
      return { handle: () => this.serveAsset(id) };
    }
    return null;
  }

  private serveResult(id: string, kind: 'mp4' | 'png'): SandboxReply {
    const task = this.store.get(id);
    const available = task?.status === 'succeeded' && (kind === 'mp4' || task.params.returnLastFrame);
    if (!available) return arkError(404, 'ResourceNotFound', `The file ${id}.${kind} does not exist.`);
    const body = kind === 'mp4' ? this.assets.video : this.assets.lastFrame;
    return { status: 200, headers: { 'Content-Type': kind === 'mp4' ? 'video/mp4' : 'image/png' }, body };
  }

  private serveAsset(id: string): SandboxReply {
    const asset = this.assetStore.asset(id);
    if (asset?.status !== 'Active') return arkError(404, 'ResourceNotFound', `The asset file ${id} does not exist.`);
    const body = asset.assetType === 'Image' ? this.assets.lastFrame : asset.assetType === 'Video' ? this.assets.video : this.assets.audio;
    return { status: 200, headers: { 'Content-Type': CONTENT_TYPES[asset.assetType] }, body };
  }
}
