import type { Profile } from '../../config/app-config';

/** Every error arkgate itself answers with, by the key services throw. */
export type ErrorKey =
  | 'invalid_request'
  | 'invalid_duration'
  | 'moderation_skip_not_allowed'
  | 'task_not_found'
  | 'asset_not_found'
  | 'asset_group_not_found'
  | 'forbidden_action'
  | 'running_task_deletion'
  | 'upstream_error'
  | 'service_unavailable'
  | 'model_mapping_required'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'spend_limit_exceeded'
  | 'idempotency_conflict'
  | 'idempotency_in_progress'
  | 'database_unavailable'
  | 'payload_too_large'
  | 'unsupported_operation'
  | 'video_not_found'
  | 'video_content_unavailable'
  | 'internal';

interface ErrorCodeSpec {
  status: number;
  /** The code in each profile; a string when both profiles agree. */
  code: string | Record<Profile, string>;
}

/** docs/contract.md §5: the HTTP status and each profile's name for every error. */
export const ERROR_CODES: Record<ErrorKey, ErrorCodeSpec> = {
  invalid_request: { status: 400, code: 'invalid_request' },
  invalid_duration: { status: 400, code: 'invalid_duration' },
  moderation_skip_not_allowed: { status: 400, code: 'moderation_skip_not_allowed' },
  task_not_found: { status: 404, code: 'task_not_found' },
  asset_not_found: { status: 404, code: { phanedge: 'ResourceNotFound.Asset', kapon: 'asset_not_found' } },
  asset_group_not_found: { status: 404, code: { phanedge: 'ResourceNotFound.AssetGroup', kapon: 'asset_not_found' } },
  forbidden_action: { status: 403, code: { phanedge: 'InvalidAction', kapon: 'forbidden_action' } },
  running_task_deletion: { status: 409, code: 'InvalidAction.RunningTaskDeletion' },
  upstream_error: { status: 502, code: { phanedge: 'service_error', kapon: 'upstream_error' } },
  service_unavailable: { status: 503, code: { phanedge: 'service_unavailable', kapon: 'channel_not_available' } },
  model_mapping_required: { status: 503, code: 'model_mapping_required' },
  unauthorized: { status: 401, code: 'unauthorized' },
  forbidden: { status: 403, code: 'forbidden' },
  not_found: { status: 404, code: 'not_found' },
  conflict: { status: 409, code: 'conflict' },
  rate_limited: { status: 429, code: 'rate_limit_exceeded' },
  spend_limit_exceeded: { status: 403, code: 'spend_limit_exceeded' },
  idempotency_conflict: { status: 409, code: 'idempotency_key_reused' },
  /** docs/contract.md §9: the key's first request has an unknown upstream outcome still being resolved (with Retry-After). */
  idempotency_in_progress: { status: 409, code: 'idempotency_key_in_progress' },
  /** docs/contract.md §9: the database is unreachable (with Retry-After). */
  database_unavailable: { status: 503, code: { phanedge: 'service_unavailable', kapon: 'channel_not_available' } },
  payload_too_large: { status: 413, code: 'request_too_large' },
  /** docs/contract.md §11: a Sora-only route (remix, edits, extensions, characters) of the /v1/videos facade. */
  unsupported_operation: { status: 400, code: 'unsupported_operation' },
  /** docs/contract.md §11: no such video for this tenant (unknown, another tenant's, or deleted). */
  video_not_found: { status: 404, code: 'video_not_found' },
  /** docs/contract.md §11: the video's content is not there to download (not completed yet, no thumbnail, or expired upstream). */
  video_content_unavailable: { status: 404, code: 'video_content_unavailable' },
  internal: { status: 500, code: 'internal_error' },
};

/** The `type` field of the native error body: the HTTP class name, as BytePlus writes it. */
export const ERROR_TYPES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  429: 'TooManyRequests',
  500: 'InternalServiceError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

export function codeFor(key: ErrorKey, profile: Profile): { status: number; code: string; type: string } {
  const spec = ERROR_CODES[key];
  const code = typeof spec.code === 'string' ? spec.code : spec.code[profile];
  return { status: spec.status, code, type: ERROR_TYPES[spec.status] ?? 'Error' };
}
