import type { ListedTask } from '../task.repository';

/** Request fields a task record shows while it has no upstream task object yet. */
const REQUEST_FIELDS = [
  'resolution',
  'ratio',
  'duration',
  'service_tier',
  'execution_expires_after',
  'generate_audio',
  'draft',
  'priority',
  'safety_identifier',
  'seed',
];

/** The BytePlus task object as the tenant sees it: `model` is the stable name, never the upstream id. */
export function presentTask(row: ListedTask): Record<string, unknown> {
  const base = row.upstreamTask ?? {
    id: row.taskId,
    status: row.status,
    created_at: Math.floor(row.createdAt / 1000),
    updated_at: Math.floor(row.updatedAt / 1000),
    content: {},
    ...pick(row.upstreamRequest, REQUEST_FIELDS),
  };
  return { ...base, id: row.taskId, model: row.model, status: row.status };
}

function pick(obj: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => obj[k] !== undefined).map((k) => [k, obj[k]]));
}
