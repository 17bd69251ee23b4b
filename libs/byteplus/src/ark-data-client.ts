import { ArkApiError, ArkUnavailableError } from './ark-errors';
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
    const url = `${this.baseUrl}${path}${query && [...query].length > 0 ? `?${query}` : ''}`;
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.opts.apiKey}`,
      Accept: 'application/json',
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (options?.requestId) headers['X-Client-Request-Id'] = options.requestId;

    const timeout = AbortSignal.timeout(this.opts.timeoutMs);
    const signal = options?.signal ? AbortSignal.any([timeout, options.signal]) : timeout;

    let status: number;
    let text: string;
    try {
      const response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        redirect: 'manual',
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      if (options?.signal?.aborted && !timeout.aborted) throw options.signal.reason;
      if (timeout.aborted) {
        throw new ArkUnavailableError('timeout', `Upstream did not answer ${method} ${path} within ${this.opts.timeoutMs} ms`, undefined, { cause: error });
      }
      throw new ArkUnavailableError('network', `Upstream connection failed for ${method} ${path}: ${describe(error)}`, undefined, { cause: error });
    }

    if (status >= 500) {
      throw new ArkUnavailableError('server_error', `Upstream answered ${status} to ${method} ${path}`, status);
    }
    if (status >= 400) {
      throw new ArkApiError(status, parseLenient(text));
    }
    if (status < 200 || status >= 300) {
      throw new ArkUnavailableError('bad_response', `Upstream answered ${status} to ${method} ${path}`, status);
    }
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ArkUnavailableError('bad_response', `Upstream answered ${method} ${path} with a body that is not JSON`, status);
    }
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

function parseLenient(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' ? `${code} (${cause.message})` : cause.message;
  }
  return error.message;
}
