import { estimateCompletionTokens, OUTPUT_RATIOS, OUTPUT_RESOLUTIONS, outputSize } from './output-sizes';

describe('outputSize', () => {
  it.each([
    ['480p', '16:9', 864, 496],
    ['720p', '16:9', 1280, 720],
    ['1080p', '16:9', 1920, 1080],
    ['4k', '16:9', 3840, 2160],
    ['720p', '4:3', 1112, 834],
    ['480p', '21:9', 992, 432],
    ['1080p', '3:4', 1248, 1664],
    ['4k', '9:16', 2160, 3840],
    ['4k', '1:1', 2880, 2880],
    ['4k', '4:3', 3326, 2494],
    ['4k', '3:4', 2494, 3326],
    ['4k', '21:9', 4398, 1886],
  ])('%s %s is %ix%i', (resolution, ratio, width, height) => {
    expect(outputSize(resolution, ratio)).toEqual({ width, height });
  });

  it('has a size for every resolution and ratio, portrait ratios being the landscape ones turned', () => {
    for (const resolution of OUTPUT_RESOLUTIONS) {
      for (const ratio of OUTPUT_RATIOS) {
        const { width, height } = outputSize(resolution, ratio);
        expect(width).toBeGreaterThan(0);
        expect(height).toBeGreaterThan(0);
      }
      expect(outputSize(resolution, '9:16')).toEqual({ width: outputSize(resolution, '16:9').height, height: outputSize(resolution, '16:9').width });
      expect(outputSize(resolution, '3:4')).toEqual({ width: outputSize(resolution, '4:3').height, height: outputSize(resolution, '4:3').width });
    }
  });

  it('counts adaptive as 16:9', () => {
    expect(outputSize('720p', 'adaptive')).toEqual({ width: 1280, height: 720 });
  });

  it('refuses what is not in the table', () => {
    expect(() => outputSize('2k', '16:9')).toThrow(RangeError);
    expect(() => outputSize('720p', '5:4')).toThrow(RangeError);
  });

  it('hands out copies, so the table cannot be changed through them', () => {
    const size = outputSize('720p', '16:9');
    size.width = 1;
    expect(outputSize('720p', '16:9').width).toBe(1280);
  });
});

describe('estimateCompletionTokens', () => {
  it('bills 720p 16:9 5 s as 108900 tokens (1280×720×121/1024)', () => {
    expect(estimateCompletionTokens(1280, 720, 5)).toBe(108900);
  });

  it('floors 480p 16:9 4 s to 40594 tokens (864×496×97/1024 = 40594.25)', () => {
    expect(estimateCompletionTokens(864, 496, 4)).toBe(40594);
  });

  it('bills 4k 16:9 15 s', () => {
    expect(estimateCompletionTokens(3840, 2160, 15)).toBe(Math.floor((3840 * 2160 * 361) / 1024));
  });

  it('refuses negative or non-finite inputs', () => {
    expect(() => estimateCompletionTokens(-1, 720, 5)).toThrow(RangeError);
    expect(() => estimateCompletionTokens(1280, NaN, 5)).toThrow(RangeError);
    expect(() => estimateCompletionTokens(1280, 720, Infinity)).toThrow(RangeError);
  });
});
