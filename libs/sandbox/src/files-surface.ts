/** `GET /files/<task id>.mp4|.png`: result media of succeeded tasks, no auth (like signed result URLs). */
import type { SandboxAssets } from './sandbox-assets';
import { arkError, decodeSegment, type SandboxReply, type SandboxRequest, type SandboxRoute, type SandboxSurface } from './sandbox-http';
import type { TaskStore } from './task-store';

const FILE = /^\/files\/([^/]+)\.(mp4|png)$/;

export class FilesSurface implements SandboxSurface {
  constructor(
    private readonly store: TaskStore,
    private readonly assets: SandboxAssets,
  ) {}

  route(req: SandboxRequest): SandboxRoute | null {
    const match = FILE.exec(req.path);
    if (!match || (req.method !== 'GET' && req.method !== 'HEAD')) return null;
    const id = decodeSegment(match[1]);
    return { handle: () => this.serve(id, match[2] as 'mp4' | 'png') };
  }

  private serve(id: string, kind: 'mp4' | 'png'): SandboxReply {
    const task = this.store.get(id);
    const available = task?.status === 'succeeded' && (kind === 'mp4' || task.params.returnLastFrame);
    if (!available) return arkError(404, 'ResourceNotFound', `The file ${id}.${kind} does not exist.`);
    const body = kind === 'mp4' ? this.assets.video : this.assets.lastFrame;
    return { status: 200, headers: { 'Content-Type': kind === 'mp4' ? 'video/mp4' : 'image/png' }, body };
  }
}
