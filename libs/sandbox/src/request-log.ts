/** Upstream requests (data plane and control plane) as the sandbox received them, for tests to check what was sent. */
import type { IncomingHttpHeaders } from 'node:http';
import { bodyForRecord, queryToObject, type SandboxRequest } from './sandbox-http';

export interface RecordedRequest {
  method: string;
  /** URL path as received (percent-encoded). */
  path: string;
  query: Record<string, string | string[]>;
  /** Header names lower-cased. */
  headers: IncomingHttpHeaders;
  /** Parsed JSON, else the text, else undefined for an empty body. */
  body: unknown;
  /** Sandbox clock (ms since epoch). */
  at: number;
  /** Operation it was routed to: `create`, `get`, `list`, `delete`, an OpenAPI Action (`CreateAsset`, …), or `unknown`. */
  op: string;
}

/** Keeps the most recent `limit` requests so that a long-running sandbox does not grow without bound. */
export class RequestLog {
  private entries: RecordedRequest[] = [];

  constructor(private readonly limit: number) {}

  record(req: SandboxRequest, op: string): void {
    this.entries.push({
      method: req.method,
      path: req.path,
      query: queryToObject(req.query),
      headers: { ...req.headers },
      body: bodyForRecord(req.rawBody),
      at: req.at,
      op,
    });
    if (this.entries.length > this.limit * 2) this.entries = this.entries.slice(-this.limit);
  }

  all(): RecordedRequest[] {
    return this.entries.slice(-this.limit);
  }

  clear(): void {
    this.entries = [];
  }
}
