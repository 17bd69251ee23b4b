import { REDACTED, redact } from './redact';

describe('audit redaction', () => {
  it('keeps an ordinary upstream request as it is', () => {
    const req = {
      model: 'dreamina-seedance-2-0-260128',
      content: [{ type: 'text', text: 'A boat' }],
      callback_url: 'https://example.com/volcark/callback',
      duration: 4,
    };
    expect(redact(req)).toEqual(req);
  });

  it('judges names by whole words: counts of tokens and idempotency keys are not secrets', () => {
    const kept = { completion_tokens: 1, usd_per_million_tokens: '7.0', idempotency_key: 'order-1', tokenPrefix: 'oh-ab' };
    expect(redact(kept)).toEqual({ ...kept, tokenPrefix: REDACTED });
    expect(redact({ apiKey: 'x', secret_access_key: 'y', sessionId: 'z' })).toEqual({ apiKey: REDACTED, secret_access_key: REDACTED, sessionId: REDACTED });
  });

  it('hides secret-named fields, tokens in text and secret query parameters', () => {
    expect(
      redact({
        api_key: 'sk-123',
        nested: { Authorization: 'Bearer abc', accessKeyId: 'AK' },
        callback_url: 'https://example.com/cb?id=7&token=s3cr3t&sig=zz',
        note: 'sent with oh-abcdefghijklmnopqrstuvwx and Bearer xyz.123',
        generate_audio: true,
      }),
    ).toEqual({
      api_key: REDACTED,
      nested: { Authorization: REDACTED, accessKeyId: REDACTED },
      callback_url: `https://example.com/cb?id=7&token=${REDACTED}&sig=${REDACTED}`,
      note: `sent with ${REDACTED} and Bearer ${REDACTED}`,
      generate_audio: true,
    });
  });
});
