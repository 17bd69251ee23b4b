/**
 * Shape checks for data-plane answers, applied before anything in them is trusted.
 * Each returns null when the value is acceptable, else a short description of the first problem.
 * Fields they do not know are allowed and kept.
 */
import { isArkTaskStatus } from './ark-types';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

export function arkCreatedTaskProblem(value: unknown): string | null {
  if (!isObject(value)) return 'create answer is not a JSON object';
  if (typeof value.id !== 'string' || value.id === '') return 'create answer has no task id';
  return null;
}

export function arkTaskProblem(value: unknown): string | null {
  if (!isObject(value)) return 'task is not a JSON object';
  if (typeof value.id !== 'string' || value.id === '') return 'task has no id';
  if (!isArkTaskStatus(value.status)) return `task ${value.id} has an unknown status`;
  for (const field of ['created_at', 'updated_at']) {
    if (value[field] !== undefined && typeof value[field] !== 'number') return `task ${value.id} has a non-numeric ${field}`;
  }
  if (value.content !== undefined && value.content !== null && !isObject(value.content)) {
    return `task ${value.id} has a content that is not an object`;
  }
  if (value.error !== undefined && value.error !== null && !isObject(value.error)) {
    return `task ${value.id} has an error that is not an object`;
  }
  if (value.usage !== undefined && value.usage !== null) {
    if (!isObject(value.usage) || !isCount(value.usage.completion_tokens)) {
      return `task ${value.id} has usage without a whole completion_tokens count`;
    }
  }
  return null;
}

export function arkTaskListProblem(value: unknown): string | null {
  if (!isObject(value)) return 'list answer is not a JSON object';
  if (!Array.isArray(value.items)) return 'list answer has no items array';
  if (!isCount(value.total)) return 'list answer has no whole total';
  for (const item of value.items) {
    const problem = arkTaskProblem(item);
    if (problem) return `list item: ${problem}`;
  }
  return null;
}
