/**
 * The route template of a request (`/volcark/api/v3/contents/generations/tasks/:task_id`), the only path the request
 * log and the metrics ever name: never the raw URL, which carries task ids, query strings and whatever a caller sent.
 */
export const UNMATCHED_ROUTE = 'unmatched';

export function routeTemplateOf(req: { route?: { path?: unknown }; baseUrl?: string }): string {
  const path = req.route?.path;
  if (typeof path !== 'string') return UNMATCHED_ROUTE;
  return `${req.baseUrl ?? ''}${path}` || '/';
}
