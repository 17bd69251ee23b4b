import { ShutdownState } from './shutdown-state';

describe('ShutdownState', () => {
  it('is not draining until begin(), then tells every listener once', () => {
    const state = new ShutdownState();
    const calls: string[] = [];
    state.onBegin(() => calls.push('a'));
    expect(state.draining).toBe(false);
    state.begin();
    state.begin();
    expect(state.draining).toBe(true);
    state.onBegin(() => calls.push('late'));
    expect(calls).toEqual(['a', 'late']);
  });
});
