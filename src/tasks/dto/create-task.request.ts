/**
 * A task create as the services receive it (docs/contract.md §3): validated and normalised once, by CreateTaskPipe,
 * for the native route and for the `/v1/videos` facade alike.
 */
import type { CreateTaskDto } from './create-task.dto';

/** An Idempotency-Key and the canonical SHA-256 of the body it came with (docs/contract.md §9). */
export interface IdempotencyKey {
  key: string;
  bodySha256: string;
}

export interface CreateTaskRequest {
  /** The fields arkgate reads, validated: model, content, duration, ratio, resolution, … */
  readonly dto: CreateTaskDto;
  /**
   * The normalised body (nulls dropped, `CallbackURL` → `callback_url`, `Asset://` → `asset://`) as it is forwarded,
   * unknown fields included; `model` is still the requested name.
   */
  readonly body: Record<string, unknown>;
  /** Absent without the Idempotency-Key header. */
  readonly idempotency?: IdempotencyKey;
}

/** True when `references.audio` holds at least one item (the object form of references, forwarded as sent). */
export function hasReferencesAudio(references: unknown): boolean {
  if (typeof references !== 'object' || references === null) return false;
  const audio = (references as Record<string, unknown>).audio;
  return Array.isArray(audio) ? audio.length > 0 : audio !== undefined && audio !== null;
}
