import { jsonBody } from './json-body';
import { ArkApiError, ArkUnavailableError } from './ark-errors';
import { exchange, parseJsonAnswer, parseLenient } from './http-exchange';
import { arkCreatedTaskProblem, arkTaskListProblem, arkTaskProblem } from './ark-response-guards';
import type { ArkCreatedTask, ArkListQuery, ArkRequestOptions, ArkTask, ArkTaskList } from './ark-types';

export interface ArkDataClientOptions {
  /** Data-plane base, e.g. `https://ark.ap-southeast.bytepluses.com/api/v3`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey: string;
  /** Whole-call limit (connect, headers and body). */
  timeoutMs: number;
}

interface Call {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: URLSearchParams;
  body?: unknown;
  options?: ArkRequestOptions;
}

const TASKS_PATH = '/contents/generations/tasks';

/**
 * Client of the BytePlus ModelArk generation-task data plane.
 * Upstream 4xx → ArkApiError (body kept as sent); 5xx, timeouts, connection failures and
 * 2xx answers of the wrong shape → ArkUnavailableError. A caller's own abort signal rejects
 * with that signal's reason.
 */
export class ArkDataClient {
  private readonly baseUrl: string;

  constructor(private readonly opts: ArkDataClientOptions) {
    if (!opts.baseUrl) throw new Error('ArkDataClient needs a baseUrl');
    if (!(opts.timeoutMs > 0)) throw new Error('ArkDataClient needs a positive timeoutMs');
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
  }

  async createTask(body: Record<string, unknown>, options?: ArkRequestOptions): Promise<ArkCreatedTask> {
    const answer = await this.call({ method: 'POST', path: TASKS_PATH, body, options });
    return this.checked(answer, arkCreatedTaskProblem) as ArkCreatedTask;
  }

  async getTask(id: string, options?: ArkRequestOptions): Promise<ArkTask> {
    const answer = await this.call({ method: 'GET', path: taskPath(id), options });
    return this.checked(answer, arkTaskProblem) as ArkTask;
  }

  async listTasks(query: ArkListQuery, options?: ArkRequestOptions): Promise<ArkTaskList> {
    const answer = await this.call({ method: 'GET', path: TASKS_PATH, query: listQuery(query), options });
    return this.checked(answer, arkTaskListProblem) as ArkTaskList;
  }

  async deleteTask(id: string, options?: ArkRequestOptions): Promise<void> {
    const answer = await this.call({ method: 'DELETE', path: taskPath(id), options });
    if (answer !== undefined && (typeof answer !== 'object' || answer === null || Array.isArray(answer))) {
      throw new ArkUnavailableError('bad_response', 'delete answer is not a JSON object');
    }
  }

  private checked(answer: unknown, problemOf: (value: unknown) => string | null): unknown {
    const problem = problemOf(answer);
    if (problem) throw new ArkUnavailableError('bad_response', `Unexpected upstream answer: ${problem}`);
    return answer;
  }

  /** Performs one call; resolves with the parsed 2xx body (undefined when empty). */
  private async call({ method, path, query, body, options }: Call): Promise<unknown> {
    const url = `${this.baseUrl}${path}${query && [...query].length > 0 ? `?${query.toString()}` : ''}`;
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.opts.apiKey}`,
      Accept: 'application/json',
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (options?.requestId) headers['X-Client-Request-Id'] = options.requestId;

    const label = `${method} ${path}`;
    const { status, text } = await exchange({
      url,
      method,
      headers,
      body: body === undefined ? undefined : await jsonBody(body),
      timeoutMs: this.opts.timeoutMs,
      signal: options?.signal,
      label,
    });
    if (status >= 400) throw new ArkApiError(status, parseLenient(text));
    if (text.trim() === '') return undefined;
    return parseJsonAnswer(text, label, status);
  }
}

function taskPath(id: string): string {
  if (typeof id !== 'string' || id === '') throw new TypeError('task id must be a non-empty string');
  return `${TASKS_PATH}/${encodeURIComponent(id)}`;
}

function listQuery(query: ArkListQuery): URLSearchParams {
  const params = new URLSearchParams();
  if (query.page_num !== undefined) params.set('page_num', String(query.page_num));
  if (query.page_size !== undefined) params.set('page_size', String(query.page_size));
  if (query.status !== undefined) params.set('filter.status', query.status);
  for (const id of query.task_ids ?? []) params.append('filter.task_ids', id);
  if (query.model !== undefined) params.set('filter.model', query.model);
  if (query.service_tier !== undefined) params.set('filter.service_tier', query.service_tier);
  return params;
}
