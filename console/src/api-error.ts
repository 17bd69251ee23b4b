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
  if (isRecord(body)) {
    const e = body.error;
    if (isRecord(e) && typeof e.message === 'string') {
      return { status, code: text(e.code), message: e.message, param: text(e.param) };
    }
    const meta = isRecord(body.ResponseMetadata) ? body.ResponseMetadata.Error : undefined;
    if (isRecord(meta) && typeof meta.Message === 'string') {
      return { status, code: text(meta.Code), message: meta.Message, param: '' };
    }
  }
  if (typeof body === 'string' && body.trim() !== '') return { status, code: '', message: body.trim().slice(0, 500), param: '' };
  return { status, code: '', message: status === 0 ? 'The gateway could not be reached.' : `HTTP ${status}`, param: '' };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** A code or param as the API sent it: strings and numbers as they are, nothing for an absent one. */
function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
