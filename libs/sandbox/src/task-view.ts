/** The task object exactly as the upstream GET returns it (field order as in the upstream examples). */
import { estimateCompletionTokens, OUTPUT_FRAMES_PER_SECOND, outputSize } from '@arkgate/byteplus';
import type { SandboxTaskRecord } from './task-store';

const seconds = (ms: number): number => Math.floor(ms / 1000);

export function renderTask(task: SandboxTaskRecord, publicUrl: string): Record<string, unknown> {
  const p = task.params;
  const succeeded = task.status === 'succeeded';
  const content: Record<string, string> = {};
  if (succeeded) {
    const base = `${publicUrl}/files/${encodeURIComponent(task.id)}`;
    content.video_url = `${base}.mp4`;
    if (p.returnLastFrame) content.last_frame_url = `${base}.png`;
  }
  const view: Record<string, unknown> = {
    id: task.id,
    model: p.model,
    status: task.status,
    error: task.status === 'failed' && task.error ? { code: task.error.code, message: task.error.message } : null,
    content,
  };
  if (succeeded) {
    const { width, height } = outputSize(p.resolution, p.ratio);
    const tokens = estimateCompletionTokens(width, height, p.duration);
    view.usage = { completion_tokens: tokens, total_tokens: tokens };
  }
  Object.assign(view, {
    created_at: seconds(task.createdAtMs),
    updated_at: seconds(task.updatedAtMs),
    seed: p.seed,
    resolution: p.resolution,
    ratio: p.ratio,
    duration: p.duration,
    framespersecond: OUTPUT_FRAMES_PER_SECOND,
    service_tier: p.serviceTier,
    execution_expires_after: p.executionExpiresAfter,
    generate_audio: p.generateAudio,
    draft: p.draft,
  });
  if (p.safetyIdentifier !== undefined) view.safety_identifier = p.safetyIdentifier;
  view.priority = p.priority;
  return view;
}
