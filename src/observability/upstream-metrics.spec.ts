import { ArkUnavailableError } from '@arkgate/byteplus';
import type { MetricsService } from './metrics.service';
import { countUpstreamCalls, upstreamOutcomeOf } from './upstream-metrics';

describe('countUpstreamCalls', () => {
  const recorder = () => {
    const seen: string[] = [];
    const metrics = { observeUpstream: (plane: string, op: string, outcome: string) => seen.push(`${plane} ${op} ${outcome}`) } as unknown as MetricsService;
    return { seen, metrics };
  };

  class Client {
    async getTask(id: string) {
      if (id === 'down') throw new ArkUnavailableError('timeout', 'no answer');
      return { id };
    }
    async call(action: string) {
      return action;
    }
    async getAsset() {
      return this.call('GetAsset');
    }
  }

  it('counts each named call once with its outcome, and passes answers and errors through', async () => {
    const { seen, metrics } = recorder();
    const client = countUpstreamCalls(new Client(), metrics, 'data', ['getTask']);
    await expect(client.getTask('a')).resolves.toEqual({ id: 'a' });
    await expect(client.getTask('down')).rejects.toBeInstanceOf(ArkUnavailableError);
    expect(seen).toEqual(['data getTask ok', 'data getTask unavailable']);
  });

  it('counts helpers of the control plane through `call`, named by the action', async () => {
    const { seen, metrics } = recorder();
    const client = countUpstreamCalls(new Client(), metrics, 'control', ['call'], (_m, args) => String(args[0]));
    await client.getAsset();
    expect(seen).toEqual(['control GetAsset ok']);
  });

  it('leaves the client as is without metrics', () => {
    const client = new Client();
    expect(countUpstreamCalls(client, undefined, 'data', ['getTask'])).toBe(client);
  });

  it('names an unknown failure "error"', () => {
    expect(upstreamOutcomeOf(new Error('x'))).toBe('error');
  });
});
