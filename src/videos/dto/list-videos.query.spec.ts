import { DomainError } from '../../common/errors/domain-error';
import { parseListVideosQuery } from './list-videos.query';
import { parseContentVariant } from './video-content.query';

const refusedParam = (work: () => unknown): { key: string; param: string } => {
  try {
    work();
  } catch (err) {
    if (err instanceof DomainError) return { key: err.key, param: err.param };
    throw err;
  }
  throw new Error('accepted');
};

describe('/v1/videos query parameters (docs/contract.md §11)', () => {
  it('list: 20 newest first by default; limit, order and after as given', () => {
    expect(parseListVideosQuery({})).toEqual({ limit: 20, order: 'desc', afterId: undefined });
    expect(parseListVideosQuery({ limit: '100', order: 'asc', after: 'video_1' })).toEqual({ limit: 100, order: 'asc', afterId: 'video_1' });
  });

  it.each([
    [{ limit: '0' }, 'limit'],
    [{ limit: '101' }, 'limit'],
    [{ limit: '1.5' }, 'limit'],
    [{ order: 'newest' }, 'order'],
    [{ after: ['video_1', 'video_2'] }, 'after'],
  ])('list refuses %p', (query, param) => {
    expect(refusedParam(() => parseListVideosQuery(query))).toEqual({ key: 'invalid_request', param });
  });

  it('content: video by default, thumbnail on request, spritesheet unsupported, anything else invalid', () => {
    expect(parseContentVariant({})).toBe('video');
    expect(parseContentVariant({ variant: 'thumbnail' })).toBe('thumbnail');
    expect(refusedParam(() => parseContentVariant({ variant: 'spritesheet' }))).toEqual({ key: 'unsupported_operation', param: 'variant' });
    expect(refusedParam(() => parseContentVariant({ variant: 'gif' }))).toEqual({ key: 'invalid_request', param: 'variant' });
  });
});
