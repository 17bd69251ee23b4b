/**
 * Faults the sandbox injects into upstream operations, consumed in the order they were added.
 *
 * - `status`: answers with that HTTP status (default 500) and `body` (default an InternalServiceError error body;
 *   a string body is sent as plain text).
 * - `hang`: never answers; the socket is ended only when the sandbox closes.
 * - `latency`: waits `ms`, then serves the request normally.
 * - `reset`: destroys the connection without an answer.
 * With `afterHandling: true`, `status`, `hang` and `reset` strike after the request took effect (e.g. the task
 * was created but the answer is lost), instead of before.
 */

export type FaultKind = 'status' | 'hang' | 'latency' | 'reset';
/**
 * `any` matches every upstream operation. Control-plane requests are named after their Action (`CreateAsset`, …),
 * and `openapi` matches every one of them.
 */
export type FaultOp = 'create' | 'get' | 'list' | 'delete' | 'any' | 'openapi' | (string & {});

export interface FaultSpec {
  op: FaultOp;
  kind: FaultKind;
  status?: number;
  body?: unknown;
  ms?: number;
  /** How many matching requests it strikes; default 1. `Infinity` for every one. */
  times?: number;
  afterHandling?: boolean;
}

export interface ActiveFault extends FaultSpec {
  times: number;
}

const KINDS: readonly FaultKind[] = ['status', 'hang', 'latency', 'reset'];

export class FaultInjector {
  private faults: ActiveFault[] = [];

  add(spec: FaultSpec): ActiveFault {
    const fault = FaultInjector.check(spec);
    this.faults.push(fault);
    return { ...fault };
  }

  /** The first fault for this operation (or its family), with one use consumed. */
  take(op: string, family?: string): ActiveFault | undefined {
    const index = this.faults.findIndex((fault) => fault.op === op || fault.op === 'any' || (family !== undefined && fault.op === family));
    if (index < 0) return undefined;
    const fault = this.faults[index];
    fault.times -= 1;
    if (fault.times <= 0) this.faults.splice(index, 1);
    return { ...fault };
  }

  list(): ActiveFault[] {
    return this.faults.map((fault) => ({ ...fault }));
  }

  clear(): void {
    this.faults = [];
  }

  static check(spec: FaultSpec): ActiveFault {
    if (typeof spec !== 'object' || spec === null) throw new TypeError('fault must be an object');
    if (typeof spec.op !== 'string' || spec.op === '') throw new TypeError('fault.op must be a non-empty string');
    if (!KINDS.includes(spec.kind)) throw new TypeError(`fault.kind must be one of ${KINDS.join(', ')}`);
    const times = spec.times ?? 1;
    if (!(times === Infinity || (Number.isInteger(times) && times > 0))) throw new TypeError('fault.times must be a positive integer');
    if (spec.status !== undefined && !(Number.isInteger(spec.status) && spec.status >= 200 && spec.status <= 599)) {
      throw new TypeError('fault.status must be an HTTP status between 200 and 599');
    }
    if (spec.kind === 'latency' && !(typeof spec.ms === 'number' && spec.ms >= 0 && Number.isFinite(spec.ms))) {
      throw new TypeError('a latency fault needs ms >= 0');
    }
    return { ...spec, times };
  }
}
