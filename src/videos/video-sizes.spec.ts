import { modelSpec } from '../catalog/catalog-rules';
import { shapeOfSize, sizesFor } from './video-sizes';

const standard = modelSpec('dreamina-seedance-2-0')!;
const fast = modelSpec('dreamina-seedance-2-0-fast')!;
const mini = modelSpec('dreamina-seedance-2-0-mini')!;

describe('OpenAI size → Seedance resolution and ratio', () => {
  it.each([
    ['1280x720', '720p', '16:9'],
    ['720x1280', '720p', '9:16'],
    ['960x960', '720p', '1:1'],
    ['1112x834', '720p', '4:3'],
    ['834x1112', '720p', '3:4'],
    ['1470x630', '720p', '21:9'],
    ['864x496', '480p', '16:9'],
    ['992x432', '480p', '21:9'],
    ['1920x1080', '1080p', '16:9'],
    ['2206x946', '1080p', '21:9'],
    ['3840x2160', '4k', '16:9'],
    ['4398x1886', '4k', '21:9'],
  ])('%s is %s %s on the standard model', (size, resolution, ratio) => {
    expect(shapeOfSize(standard, size)).toEqual({ resolution, ratio });
  });

  it('offers all six ratios at every resolution: 24 sizes on standard, 12 on fast and mini', () => {
    expect(sizesFor(standard).size).toBe(24);
    expect(sizesFor(fast).size).toBe(12);
    expect(sizesFor(mini).size).toBe(12);
  });

  it('refuses 1080p and 4k sizes on fast and mini', () => {
    for (const model of [fast, mini]) {
      expect(shapeOfSize(model, '1920x1080')).toBeUndefined();
      expect(shapeOfSize(model, '3840x2160')).toBeUndefined();
      expect(shapeOfSize(model, '1280x720')).toEqual({ resolution: '720p', ratio: '16:9' });
    }
  });

  it.each(['1792x1024', '1024x1792', '1280x721', '1280X720', ' 1280x720', '1248x704', '1920x1088', '', '720p'])(
    'refuses %p: no rounding to a nearby size, no fallback to 16:9',
    (size) => {
      expect(shapeOfSize(standard, size)).toBeUndefined();
    },
  );
});
