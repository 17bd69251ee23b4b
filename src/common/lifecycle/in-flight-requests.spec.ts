import { EventEmitter } from 'node:events';
import { InFlightRequests } from './in-flight-requests';
import { ShutdownState } from './shutdown-state';

/** A response double: only what the middleware uses (events and a header). */
function response() {
  const res = new EventEmitter() as EventEmitter & { headers: Record<string, string>; setHeader(n: string, v: string): void };
  res.headers = {};
  res.setHeader = (n, v) => (res.headers[n] = v);
  return res;
}

describe('InFlightRequests', () => {
  const setup = () => {
    const shutdown = new ShutdownState();
    const inFlight = new InFlightRequests(shutdown);
    inFlight.open();
    const serve = () => {
      const res = response();
      inFlight.track({} as never, res as never, () => undefined);
      return res;
    };
    return { shutdown, inFlight, serve };
  };

  it('counts a request until its response finishes or its connection closes, once', () => {
    const { inFlight, serve } = setup();
    const a = serve();
    const b = serve();
    expect(inFlight.count).toBe(2);
    a.emit('finish');
    a.emit('close');
    b.emit('close');
    expect(inFlight.count).toBe(0);
  });

  it('whenIdle resolves true when the last request ends, false when the time runs out first', async () => {
    const { inFlight, serve } = setup();
    const res = serve();
    const idle = inFlight.whenIdle(1000);
    setTimeout(() => res.emit('finish'), 20);
    expect(await idle).toBe(true);
    serve();
    expect(await inFlight.whenIdle(30)).toBe(false);
  });

  it('asks keep-alive clients to close their connection once draining', () => {
    const { shutdown, serve } = setup();
    expect(serve().headers.Connection).toBeUndefined();
    shutdown.begin();
    expect(serve().headers.Connection).toBe('close');
  });

  it('holds requests until start-up opens the gate', async () => {
    const inFlight = new InFlightRequests(new ShutdownState());
    let served = false;
    inFlight.track({} as never, response() as never, () => (served = true));
    await new Promise((r) => setImmediate(r));
    expect(served).toBe(false);
    inFlight.open();
    await new Promise((r) => setImmediate(r));
    expect(served).toBe(true);
  });
});
