import { DomainError } from '../../common/errors/domain-error';
import { parseListQuery } from './list-tasks.query';

describe('list query (docs/contract.md §3)', () => {
  it('defaults to page 1 of 20', () => {
    expect(parseListQuery({})).toEqual({ pageNum: 1, pageSize: 20 });
  });
  it('normalises filter.model aliases and splits task ids', () => {
    expect(parseListQuery({ 'filter.model': 'dreamina-seedance-2-0-mini-260615', 'filter.task_ids': ['a,b', 'c', 'a'] })).toMatchObject({
      model: 'dreamina-seedance-2-0-mini',
      taskIds: ['a', 'b', 'c'],
    });
  });
  it.each([
    [{ page_num: '0' }, 'page_num'],
    [{ page_size: '501' }, 'page_size'],
    [{ page_num: String(2 ** 62) }, 'page_num'],
    [{ page_num: '1000001' }, 'page_num'],
    [{ page_size: '2.5' }, 'page_size'],
    [{ 'filter.status': 'pending' }, 'filter.status'],
    [{ 'filter.model': 'doubao-seedance-2-0-fast' }, 'filter.model'],
  ])('refuses %p', (q, param) => {
    try {
      parseListQuery(q);
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).param).toBe(param);
    }
  });
});
