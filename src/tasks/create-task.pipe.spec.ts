import { canonicalJsonSha256 } from '../common/canonical-json';
import { DomainError } from '../common/errors/domain-error';
import { CreateTaskPipe } from './create-task.pipe';
import { CreateTaskDto } from './dto/create-task.dto';

const pipe = new CreateTaskPipe();
const text = { type: 'text', text: 'A paper boat on calm water.' };
const valid = { model: 'dreamina-seedance-2-0', content: [text], duration: 5 };

async function refusal(body: unknown, idempotencyKey?: string): Promise<DomainError> {
  try {
    await pipe.transform({ body, idempotencyKey });
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('accepted');
}

describe('CreateTaskPipe (docs/contract.md §3, §9, §10)', () => {
  it('a valid body becomes one typed request: the DTO and the normalised body, no key without the header', async () => {
    const request = await pipe.transform({
      body: {
        ...valid,
        seed: null,
        CallbackURL: 'https://example.com/cb',
        content: [text, { type: 'image_url', role: 'first_frame', image_url: { url: 'Asset://asset-1' } }],
        vendor_extra: 1,
      },
    });
    expect(request.dto).toBeInstanceOf(CreateTaskDto);
    expect(request.dto).toMatchObject({ model: 'dreamina-seedance-2-0', duration: 5, callback_url: 'https://example.com/cb' });
    expect(request.body).toEqual({
      model: 'dreamina-seedance-2-0',
      duration: 5,
      callback_url: 'https://example.com/cb',
      content: [text, { type: 'image_url', role: 'first_frame', image_url: { url: 'asset://asset-1' } }],
      vendor_extra: 1,
    });
    expect(request.idempotency).toBeUndefined();
  });

  it('with an Idempotency-Key: the digest of the body as it was sent, whatever its key order', async () => {
    const sent = { ...valid, seed: null };
    const request = await pipe.transform({ body: sent, idempotencyKey: 'order-1' });
    expect(request.idempotency).toEqual({ key: 'order-1', bodySha256: await canonicalJsonSha256(sent) });
    const reordered = await pipe.transform({ body: { seed: null, duration: 5, content: [text], model: valid.model }, idempotencyKey: 'order-1' });
    expect(reordered.idempotency?.bodySha256).toBe(request.idempotency?.bodySha256);
    // An explicit null is part of what was sent: another body for the key.
    const withoutNull = await pipe.transform({ body: valid, idempotencyKey: 'order-1' });
    expect(withoutNull.idempotency?.bodySha256).not.toBe(request.idempotency?.bodySha256);
  });

  it('a malformed Idempotency-Key is refused before the body is looked at', async () => {
    for (const key of ['', 'x'.repeat(256), 'has space', 'é']) {
      const err = await refusal({ not: 'a create' }, key);
      expect({ key: err.key, param: err.param, message: err.message }).toEqual({
        key: 'invalid_request',
        param: 'Idempotency-Key',
        message: 'The Idempotency-Key header must be 1–255 printable ASCII characters.',
      });
    }
  });

  it('case variants of known fields are refused, naming the key', async () => {
    const err = await refusal({ ...valid, content: [{ type: 'image_url', Image_Url: { url: 'https://example.com/a.png' } }] });
    expect({ key: err.key, param: err.param }).toEqual({ key: 'invalid_request', param: 'content[0].Image_Url' });
    expect(err.message).toContain('use `image_url`');
  });

  it.each([
    ['not an object', [1, 2], 'invalid_request', ''],
    ['no model', { content: [text] }, 'invalid_request', 'model'],
    ['empty content', { model: 'dreamina-seedance-2-0', content: [] }, 'invalid_request', 'content'],
    ['a bad content item', { ...valid, content: [{ type: 'image_url', image_url: { url: '' } }] }, 'invalid_request', 'content[0].image_url.url'],
    ['a bad duration', { ...valid, duration: 3 }, 'invalid_duration', 'duration'],
    ['a callback that is not a string', { ...valid, CallbackURL: 42 }, 'invalid_request', 'callback_url'],
  ])('refuses %s in the native error shape', async (_, body, key, param) => {
    const err = await refusal(body);
    expect({ key: err.key, param: err.param }).toEqual({ key, param });
  });

  it('keeps the native messages', async () => {
    expect((await refusal('text')).message).toBe('The request body must be a JSON object.');
    expect((await refusal({ ...valid, duration: 3 })).message).toBe(
      'The parameter `duration` specified in the request is not valid: must be an integer from 4 to 15 seconds, or -1 to let the model choose.',
    );
  });
});
