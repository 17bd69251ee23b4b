import { schemaOf } from './schema-of';

describe('schemaOf', () => {
  it('types every field of an example and keeps the example', () => {
    const example = { id: 'cgt-1', n: 3, ratio: 0.5, ok: true, gone: null, items: [{ k: 'a' }], nested: { at: 1 } };
    expect(schemaOf(example)).toEqual({
      type: 'object',
      properties: {
        id: { type: 'string' },
        n: { type: 'integer' },
        ratio: { type: 'number' },
        ok: { type: 'boolean' },
        gone: { type: 'string', nullable: true },
        items: { type: 'array', items: { type: 'object', properties: { k: { type: 'string' } } } },
        nested: { type: 'object', properties: { at: { type: 'integer' } } },
      },
      example,
    });
  });

  it('types an empty object as an object with no properties', () => {
    expect(schemaOf({}, false)).toEqual({ type: 'object', properties: {} });
  });
});
