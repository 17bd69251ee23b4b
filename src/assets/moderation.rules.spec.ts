import { asksToSkipModeration } from './moderation.rules';

describe('Moderation.Strategy=Skip is recognised however it is spelled (seed: 400 moderation_skip_not_allowed)', () => {
  it.each([
    [{ Moderation: { Strategy: 'Skip' } }],
    [{ Moderation: { Strategy: 'skip' } }],
    [{ Moderation: { Strategy: ' SKIP ' } }],
    [{ moderation: { strategy: 'Skip' } }],
    [{ MODERATION: { STRATEGY: 'Skip' } }],
    [{ 'Moderation.Strategy': 'Skip' }],
    [{ Moderation: 'Skip' }],
    [{ Name: 'g', Moderation: { Strategy: 'Default', strategy: 'Skip' } }],
  ])('%j asks to skip', (body) => {
    expect(asksToSkipModeration(body)).toBe(true);
  });

  it.each([
    [{ Moderation: { Strategy: 'Default' } }],
    [{ Moderation: {} }],
    [{ Name: 'Skip' }],
    [{ Description: 'Moderation.Strategy=Skip' }],
    [{ Moderation: { Strategy: 'Skipped' } }],
    [{ Moderation: { Strategy: ['Skip'] } }],
    [{}],
    [null],
    ['Skip'],
  ])('%j does not', (body) => {
    expect(asksToSkipModeration(body)).toBe(false);
  });
});
