import { ArkApiError, ArkOpenApiError, ArkUnavailableError } from '@arkgate/byteplus';
import type { MetricsService, UpstreamOutcome } from './metrics.service';

/** How a BytePlus call ended: answered, refused with an error body, unavailable (timeout, 5xx, network) or other. */
export function upstreamOutcomeOf(error: unknown): UpstreamOutcome {
  if (error === undefined) return 'ok';
  if (error instanceof ArkUnavailableError) return 'unavailable';
  if (error instanceof ArkApiError || error instanceof ArkOpenApiError) return 'refused';
  return 'error';
}

/**
 * Wraps a BytePlus client so each of the named methods counts one `arkgate_upstream_requests_total`. `operationOf`
 * names the operation from the method and its arguments (the control plane's `call` is named by its Action).
 * Other methods run with the wrapper as `this`, so the control plane's helpers are counted through `call`.
 */
export function countUpstreamCalls<T extends object>(
  client: T,
  metrics: MetricsService | undefined,
  plane: 'data' | 'control',
  methods: readonly string[],
  operationOf: (method: string, args: unknown[]) => string = (m) => m,
): T {
  // Without the observability module (a module test), the client is used as is.
  if (!metrics) return client;
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || typeof prop !== 'string' || !methods.includes(prop)) return value;
      return async (...args: unknown[]) => {
        const operation = operationOf(prop, args);
        try {
          const answer = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          metrics.observeUpstream(plane, operation, 'ok');
          return answer;
        } catch (error) {
          metrics.observeUpstream(plane, operation, upstreamOutcomeOf(error));
          throw error;
        }
      };
    },
  });
}
