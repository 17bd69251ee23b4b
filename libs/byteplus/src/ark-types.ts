/** Shapes of the BytePlus ModelArk data plane (`/api/v3/contents/generations/tasks`), field names as upstream. */

export const ARK_TASK_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'expired', 'cancelled'] as const;
export type ArkTaskStatus = (typeof ARK_TASK_STATUSES)[number];

/** Statuses after which a task never changes again. */
export const ARK_TERMINAL_STATUSES: readonly ArkTaskStatus[] = ['succeeded', 'failed', 'expired', 'cancelled'];

export function isArkTaskStatus(value: unknown): value is ArkTaskStatus {
  return typeof value === 'string' && (ARK_TASK_STATUSES as readonly string[]).includes(value);
}

export interface ArkTaskError {
  code: string;
  message: string;
}

export interface ArkTaskContent {
  video_url?: string;
  last_frame_url?: string;
  file_url?: string;
  [field: string]: unknown;
}

export interface ArkTaskUsage {
  completion_tokens: number;
  total_tokens: number;
  [field: string]: unknown;
}

/** A generation task as GET returns it. Fields the upstream adds later are kept as they come. */
export interface ArkTask {
  id: string;
  model?: string;
  status: ArkTaskStatus;
  error?: ArkTaskError | null;
  created_at?: number;
  updated_at?: number;
  content?: ArkTaskContent;
  usage?: ArkTaskUsage;
  seed?: number;
  resolution?: string;
  ratio?: string;
  duration?: number;
  frames?: number;
  framespersecond?: number;
  generate_audio?: boolean;
  draft?: boolean;
  draft_task_id?: string;
  service_tier?: string;
  execution_expires_after?: number;
  priority?: number;
  safety_identifier?: string;
  [field: string]: unknown;
}

export interface ArkTaskList {
  items: ArkTask[];
  total: number;
}

/** Answer to a create: the task id, plus `safety_identifier` when one was sent. */
export interface ArkCreatedTask {
  id: string;
  safety_identifier?: string;
  [field: string]: unknown;
}

/** List query; each filter becomes `filter.<name>`, `task_ids` one repeated parameter per id. */
export interface ArkListQuery {
  page_num?: number;
  page_size?: number;
  status?: ArkTaskStatus;
  task_ids?: string[];
  model?: string;
  service_tier?: string;
}

/** Error body of every data-plane failure. */
export interface ArkErrorBody {
  error: {
    code: string;
    message: string;
    param?: string;
    type?: string;
    [field: string]: unknown;
  };
}

export interface ArkRequestOptions {
  /** Sent as `X-Client-Request-Id`. */
  requestId?: string;
  /** The caller's own cancellation; the call then rejects with the signal's reason. */
  signal?: AbortSignal;
}
