/**
 * Reads the API's error out of a response body, whichever shape it has: the native `{"error": {code,
 * message, param}}`, the asset actions' `ResponseMetadata.Error {Code, Message}`, or plain text. The
 * console shows errors exactly as the API states them.
 */
export interface ApiProblem {
  status: number;
  code: string;
  message: string;
  param: string;
}

export function problemOf(status: number, body: unknown): ApiProblem {
  if (body && typeof body === 'object') {
    const b = body as Record<string, any>;
    const e = b.error;
    if (e && typeof e === 'object' && typeof e.message === 'string') {
      return { status, code: String(e.code ?? ''), message: e.message, param: String(e.param ?? '') };
    }
    const meta = b.ResponseMetadata?.Error;
    if (meta && typeof meta === 'object' && typeof meta.Message === 'string') {
      return { status, code: String(meta.Code ?? ''), message: meta.Message, param: '' };
    }
  }
  if (typeof body === 'string' && body.trim() !== '') return { status, code: '', message: body.trim().slice(0, 500), param: '' };
  return { status, code: '', message: status === 0 ? 'The gateway could not be reached.' : `HTTP ${status}`, param: '' };
}
