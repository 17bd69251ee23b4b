import { bearerTokenOf } from './bearer-header';

describe('the token comes only from an Authorization: Bearer header (docs/contract.md §10)', () => {
  it.each([
    ['Bearer oh-abc_DEF-123', 'oh-abc_DEF-123'],
    ['bearer oh-abc', 'oh-abc'],
    ['Bearer   oh-abc  ', 'oh-abc'],
  ])('reads %p', (header, token) => {
    expect(bearerTokenOf(header)).toBe(token);
  });

  it.each([
    [undefined],
    [''],
    ['oh-abc'],
    ['Basic b2g6eA=='],
    ['Bearer abc'],
    ['Bearer oh-a b'],
    ['Bearer oh-a,oh-b'],
    [['Bearer oh-a']],
    [`Bearer oh-${'a'.repeat(300)}`],
  ])('finds none in %p', (header) => {
    expect(bearerTokenOf(header)).toBeUndefined();
  });
});
