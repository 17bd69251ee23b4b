import { routeTemplateOf, UNMATCHED_ROUTE } from './route-template';

describe('routeTemplateOf', () => {
  it('names the matched route template, never the raw URL', () => {
    expect(routeTemplateOf({ route: { path: '/tasks/:task_id' }, baseUrl: '' })).toBe('/tasks/:task_id');
    expect(routeTemplateOf({ route: { path: '/:id' }, baseUrl: '/v1/videos' })).toBe('/v1/videos/:id');
  });

  it('names a request no route matched "unmatched"', () => {
    expect(routeTemplateOf({})).toBe(UNMATCHED_ROUTE);
    expect(routeTemplateOf({ route: { path: /regex/ } })).toBe(UNMATCHED_ROUTE);
  });
});
