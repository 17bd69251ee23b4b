import { SingleFlight } from './single-flight';

describe('SingleFlight', () => {
  it('shares one execution between concurrent callers of a key, and runs again afterwards', async () => {
    const flight = new SingleFlight<number>();
    let runs = 0;
    const work = () => new Promise<number>((r) => setTimeout(() => r(++runs), 10));
    const results = await Promise.all([flight.run('a', work), flight.run('a', work), flight.run('b', work)]);
    expect(results.sort()).toEqual([1, 1, 2]);
    expect(await flight.run('a', work)).toBe(3);
  });

  it('forgets a failed execution', async () => {
    const flight = new SingleFlight<number>();
    await expect(flight.run('a', () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(await flight.run('a', async () => 7)).toBe(7);
  });
});
