/** The list query of docs/contract.md §3, read from the raw query string (keys contain dots). */
export const TASK_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'expired', 'cancelled'] as const;
export type PublicTaskStatus = (typeof TASK_STATUSES)[number];

export interface ListTasksQuery {
  pageNum: number;
  pageSize: number;
  status?: PublicTaskStatus;
  /** A stable model name (aliases already normalised). */
  model?: string;
  taskIds?: string[];
}

export const MAX_PAGE_SIZE = 500;
/** page_num × page_size stays far inside both engines' OFFSET range (docs/contract.md §10). */
export const MAX_PAGE_NUM = 1_000_000;
export const DEFAULT_PAGE_SIZE = 20;
