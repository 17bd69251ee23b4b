import { DomainError } from '../errors/domain-error';
import { findCaseVariant, FieldShape, refuseCaseVariants } from './case-variant-keys';

const MEDIA: FieldShape = { fields: ['url'] };
const SHAPE: FieldShape = {
  fields: ['model', 'content', 'callback_url'],
  aliases: ['CallbackURL'],
  nested: { content: { fields: ['type', 'image_url'], nested: { image_url: MEDIA } } },
};

describe('case variants of known fields (docs/contract.md §10)', () => {
  it.each([
    [{ CALLBACK_URL: 'https://169.254.169.254/' }, 'CALLBACK_URL', 'callback_url'],
    [{ callback_URL: 'x' }, 'callback_URL', 'callback_url'],
    [{ Callback_Url: 'x' }, 'Callback_Url', 'callback_url'],
    [{ Model: 'x' }, 'Model', 'model'],
    [{ callbackurl: 'x' }, 'callbackurl', 'CallbackURL'],
    [{ content: [{ type: 'text' }, { Image_Url: { url: 'x' } }] }, 'content[1].Image_Url', 'image_url'],
    [{ content: [{ type: 'image_url', image_url: { URL: 'x' } }] }, 'content[0].image_url.URL', 'url'],
  ])('finds %p', (body, param, field) => {
    expect(findCaseVariant(body, SHAPE)).toEqual({ param, field });
  });

  it('accepts exact names, the alias and unknown fields that imitate nothing', () => {
    expect(findCaseVariant({ model: 'm', CallbackURL: 'x', content: [{ type: 'image_url', image_url: { url: 'u' } }], extra: 1 }, SHAPE)).toBeUndefined();
    expect(findCaseVariant('text', SHAPE)).toBeUndefined();
    expect(findCaseVariant({ content: 'not an array' }, SHAPE)).toBeUndefined();
  });

  it('refuses with invalid_request naming the key', () => {
    expect(() => refuseCaseVariants({ CALLBACK_URL: 'x' }, SHAPE)).toThrow(DomainError);
    try {
      refuseCaseVariants({ CALLBACK_URL: 'x' }, SHAPE);
    } catch (e) {
      expect(e).toMatchObject({ key: 'invalid_request', param: 'CALLBACK_URL' });
    }
  });
});
