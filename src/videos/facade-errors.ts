/** Native errors told in the `/v1/videos` facade's terms. */
import { DomainError } from '../common/errors/domain-error';
import { facadeParam } from './video-request';

export function videoNotFound(id: string): DomainError {
  return new DomainError('video_not_found', `Video \`${id}\` does not exist or does not belong to this account.`, 'video_id');
}

/** Native errors in the facade's terms: params renamed, a missing task is a missing video. */
export async function inFacadeTerms<T>(work: Promise<T>, videoId?: string): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    if (err.key === 'task_not_found' && videoId) throw videoNotFound(videoId);
    throw new DomainError(err.key, err.message, facadeParam(err.param), err.headers);
  }
}
