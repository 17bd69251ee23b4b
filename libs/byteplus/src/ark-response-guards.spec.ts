import { arkCreatedTaskProblem, arkTaskListProblem, arkTaskProblem } from './ark-response-guards';

const task = { id: 'cgt-20260611204121-462cw', status: 'succeeded', usage: { completion_tokens: 40594, total_tokens: 40594 } };

describe('arkCreatedTaskProblem', () => {
  it('accepts an id, with extra fields', () => {
    expect(arkCreatedTaskProblem({ id: 'cgt-1', safety_identifier: 'u' })).toBeNull();
  });

  it.each([[null], ['cgt-1'], [[]], [{}], [{ id: '' }], [{ id: 7 }]])('refuses %j', (value) => {
    expect(arkCreatedTaskProblem(value)).toEqual(expect.any(String));
  });
});

describe('arkTaskProblem', () => {
  it('accepts a task and keeps unknown fields allowed', () => {
    expect(arkTaskProblem({ ...task, brand_new_field: { x: 1 } })).toBeNull();
    expect(arkTaskProblem({ id: 'cgt-1', status: 'queued', error: null, content: {} })).toBeNull();
  });

  it.each([
    ['not an object', 'x'],
    ['no id', { status: 'queued' }],
    ['unknown status', { id: 'cgt-1', status: 'done' }],
    ['string created_at', { id: 'cgt-1', status: 'queued', created_at: '2026' }],
    ['array content', { id: 'cgt-1', status: 'queued', content: [] }],
    ['string error', { id: 'cgt-1', status: 'failed', error: 'boom' }],
    ['usage without tokens', { id: 'cgt-1', status: 'succeeded', usage: {} }],
    ['fractional tokens', { id: 'cgt-1', status: 'succeeded', usage: { completion_tokens: 1.5 } }],
  ])('refuses a task with %s', (_name, value) => {
    expect(arkTaskProblem(value)).toEqual(expect.any(String));
  });
});

describe('arkTaskListProblem', () => {
  it('accepts items and a total', () => {
    expect(arkTaskListProblem({ total: 1, items: [task] })).toBeNull();
    expect(arkTaskListProblem({ total: 0, items: [] })).toBeNull();
  });

  it.each([
    ['no items', { total: 0 }],
    ['no total', { items: [] }],
    ['string total', { total: '1', items: [] }],
    ['a bad item', { total: 1, items: [{ id: 'x', status: 'nope' }] }],
  ])('refuses a list with %s', (_name, value) => {
    expect(arkTaskListProblem(value)).toEqual(expect.any(String));
  });
});
