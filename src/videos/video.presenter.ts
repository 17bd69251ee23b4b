/**
 * The Video object of the OpenAI Videos shape, made from our video record and the native task object.
 * Pure. Exactly the keys of docs/contract.md §11, `null`s included; every task status has a facade status, so an
 * expired or cancelled task never looks in progress.
 */

/** Result files live about 24 hours upstream (docs/contract.md §8). */
export const RESULT_TTL_S = 24 * 3600;

export type VideoStatus = 'queued' | 'in_progress' | 'completed' | 'failed';

export interface VideoObject {
  id: string;
  object: 'video';
  model: string;
  status: VideoStatus;
  progress: number;
  created_at: number;
  completed_at: number | null;
  expires_at: number | null;
  prompt: string;
  size: string;
  seconds: string;
  remixed_from_video_id: null;
  error: { code: string; message: string } | null;
}

export interface VideoRecord {
  id: string;
  prompt: string;
  size: string;
  seconds: number;
  createdAt: number;
}

const STATUS: Record<string, { status: VideoStatus; progress: number }> = {
  queued: { status: 'queued', progress: 0 },
  running: { status: 'in_progress', progress: 50 },
  succeeded: { status: 'completed', progress: 100 },
  failed: { status: 'failed', progress: 0 },
  expired: { status: 'failed', progress: 0 },
  cancelled: { status: 'failed', progress: 0 },
};

export function presentVideo(video: VideoRecord, task: Record<string, unknown>): VideoObject {
  const taskStatus = String(task.status);
  const { status, progress } = STATUS[taskStatus] ?? STATUS.queued;
  const createdAt = Math.floor(video.createdAt / 1000);
  const finished = status === 'completed' || status === 'failed';
  const completedAt = finished ? Math.max(createdAt, typeof task.updated_at === 'number' ? task.updated_at : createdAt) : null;
  return {
    id: video.id,
    object: 'video',
    model: String(task.model),
    status,
    progress,
    created_at: createdAt,
    completed_at: completedAt,
    expires_at: status === 'completed' && completedAt !== null ? completedAt + RESULT_TTL_S : null,
    prompt: video.prompt,
    size: video.size,
    seconds: String(typeof task.duration === 'number' && task.duration > 0 ? task.duration : video.seconds),
    remixed_from_video_id: null,
    error: errorOf(taskStatus, task.error),
  };
}

function errorOf(status: string, error: unknown): VideoObject['error'] {
  if (status === 'expired') return { code: 'expired', message: 'The task expired before it finished (execution_expires_after passed).' };
  if (status === 'cancelled') return { code: 'cancelled', message: 'The task was cancelled before it started.' };
  if (status !== 'failed') return null;
  const e = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
  return {
    code: typeof e.code === 'string' && e.code ? e.code : 'failed',
    message: typeof e.message === 'string' && e.message ? e.message : 'The video could not be generated.',
  };
}
