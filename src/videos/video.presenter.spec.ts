import { presentVideo, RESULT_TTL_S } from './video.presenter';

const video = { id: 'video_0123456789abcdef0123456789abcdef', prompt: 'A paper boat.', size: '1280x720', seconds: 5, createdAt: 1_780_000_000_400 };
const task = (extra: Record<string, unknown>) => ({
  id: 'cgt-20260611204121-462cw',
  model: 'dreamina-seedance-2-0',
  created_at: 1_780_000_000,
  updated_at: 1_780_000_060,
  duration: 5,
  ...extra,
});

const KEYS = [
  'completed_at',
  'created_at',
  'error',
  'expires_at',
  'id',
  'model',
  'object',
  'progress',
  'prompt',
  'remixed_from_video_id',
  'seconds',
  'size',
  'status',
];

describe('the Video object', () => {
  it('has exactly the keys of the OpenAI shape, nulls included, and seconds as a string', () => {
    const v = presentVideo(video, task({ status: 'queued' }));
    expect(Object.keys(v).sort()).toEqual(KEYS);
    expect(v).toMatchObject({ object: 'video', seconds: '5', remixed_from_video_id: null, completed_at: null, expires_at: null, error: null });
  });

  it.each([
    ['queued', 'queued', 0],
    ['running', 'in_progress', 50],
    ['succeeded', 'completed', 100],
    ['failed', 'failed', 0],
    ['expired', 'failed', 0],
    ['cancelled', 'failed', 0],
  ])('task %s → %s with progress %i', (status, expected, progress) => {
    expect(presentVideo(video, task({ status }))).toMatchObject({ status: expected, progress });
  });

  it('a completed video says when it completed and when its content expires (24 h later)', () => {
    const v = presentVideo(video, task({ status: 'succeeded' }));
    expect(v.completed_at).toBe(1_780_000_060);
    expect(v.expires_at).toBe(1_780_000_060 + RESULT_TTL_S);
  });

  it('expired and cancelled tasks are failed with their own error code, never in progress', () => {
    expect(presentVideo(video, task({ status: 'expired' })).error?.code).toBe('expired');
    expect(presentVideo(video, task({ status: 'cancelled' })).error?.code).toBe('cancelled');
  });

  it('a failed task carries the upstream error code and message', () => {
    const v = presentVideo(video, task({ status: 'failed', error: { code: 'OutputVideoSensitiveContentDetected', message: 'blocked' } }));
    expect(v.error).toEqual({ code: 'OutputVideoSensitiveContentDetected', message: 'blocked' });
  });

  it('seconds is the length the task reports once known', () => {
    expect(presentVideo(video, task({ status: 'succeeded', duration: 8 })).seconds).toBe('8');
  });
});
