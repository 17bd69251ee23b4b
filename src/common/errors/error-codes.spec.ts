import { codeFor } from './error-codes';

describe('error codes per profile (docs/contract.md §5)', () => {
  it.each([
    ['forbidden_action', 403, 'InvalidAction', 'forbidden_action'],
    ['asset_not_found', 404, 'ResourceNotFound.Asset', 'asset_not_found'],
    ['asset_group_not_found', 404, 'ResourceNotFound.AssetGroup', 'asset_not_found'],
    ['upstream_error', 502, 'service_error', 'upstream_error'],
    ['service_unavailable', 503, 'service_unavailable', 'channel_not_available'],
    ['running_task_deletion', 409, 'InvalidAction.RunningTaskDeletion', 'InvalidAction.RunningTaskDeletion'],
    ['model_mapping_required', 503, 'model_mapping_required', 'model_mapping_required'],
    ['invalid_duration', 400, 'invalid_duration', 'invalid_duration'],
    ['task_not_found', 404, 'task_not_found', 'task_not_found'],
    ['moderation_skip_not_allowed', 400, 'moderation_skip_not_allowed', 'moderation_skip_not_allowed'],
  ] as const)('%s → %i %s (phanedge) / %s (kapon)', (key, status, phanedge, kapon) => {
    expect(codeFor(key, 'phanedge')).toMatchObject({ status, code: phanedge });
    expect(codeFor(key, 'kapon')).toMatchObject({ status, code: kapon });
  });

  it('gives the BytePlus type name for the status', () => {
    expect(codeFor('running_task_deletion', 'phanedge').type).toBe('Conflict');
    expect(codeFor('invalid_request', 'kapon').type).toBe('BadRequest');
  });
});
