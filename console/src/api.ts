/** The console's only way to the gateway: the admin and audit API, with the signed-in token. */
import { type ApiProblem, problemOf } from './api-error';

export class ApiError extends Error {
  constructor(readonly problem: ApiProblem) {
    super(problem.message);
  }
}

export type Role = 'admin' | 'auditor';

const TOKEN_KEY = 'arkgate.console.token';
const ROLE_KEY = 'arkgate.console.role';

/** The signed-in token lives in sessionStorage: gone when the browser session ends. */
export const session = {
  get(): { token: string; role: Role } | null {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const role = sessionStorage.getItem(ROLE_KEY);
    return token && (role === 'admin' || role === 'auditor') ? { token, role } : null;
  },
  set(token: string, role: Role): void {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(ROLE_KEY, role);
  },
  clear(): void {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(ROLE_KEY);
  },
};

async function send(method: string, path: string, token: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  try {
    return await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(problemOf(0, undefined));
  }
}

async function bodyOf(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

/** A JSON call; a non-2xx answer throws ApiError with the API's own code and message. */
export async function call<T>(method: string, path: string, body?: unknown, token = session.get()?.token ?? ''): Promise<T> {
  const res = await send(method, path, token, body);
  const parsed = await bodyOf(res);
  if (!res.ok) {
    if (res.status === 401) window.dispatchEvent(new CustomEvent('arkgate:unauthorized'));
    throw new ApiError(problemOf(res.status, parsed));
  }
  return parsed as T;
}

export const get = <T>(path: string) => call<T>('GET', path);

/** Downloads a file the API streams (exports): fetched with the token, saved under the API's file name. */
export async function download(path: string, fallbackName: string): Promise<{ name: string; bytes: number }> {
  const res = await send('GET', path, session.get()?.token ?? '');
  if (!res.ok) throw new ApiError(problemOf(res.status, await bodyOf(res)));
  const blob = await res.blob();
  const disposition = res.headers.get('content-disposition') ?? '';
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return { name, bytes: blob.size };
}

/**
 * Which console a token opens, asked of the API itself: an admin route answers an admin token, an audit
 * route an auditor's. Anything else (a tenant token, an unknown or revoked one) is refused with the API's
 * own words.
 */
export async function roleOf(token: string): Promise<Role> {
  const admin = await send('GET', '/admin/prices', token);
  if (admin.ok) return 'admin';
  if (admin.status !== 403) throw new ApiError(problemOf(admin.status, await bodyOf(admin)));
  const auditor = await send('GET', '/audit/events?limit=1', token);
  if (auditor.ok) return 'auditor';
  const problem = problemOf(auditor.status, await bodyOf(auditor));
  throw new ApiError({ ...problem, message: `The console is for admin and auditor tokens. The API says: ${problem.message}` });
}
