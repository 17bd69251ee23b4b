import { redact, REDACTED } from './redact';
import { EXPORT_COLUMNS, exportRow } from './export-lines';

const row = () => Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, null])) as unknown as Parameters<typeof exportRow>[0] & Record<string, unknown>;

describe('exports redact secret query parameters of callback URLs exactly as audit events do (issue 9, finding 9)', () => {
  it.each([
    'https://example.com/cb?token=s3cr3t',
    'https://example.com/cb?id=7&sig=abc&api_key=k-123',
    'https://example.com/cb?X-Amz-Signature=deadbeef&user=1',
    'https://example.com/cb?access_token=a#frag',
  ])('%s', (url) => {
    const exported = exportRow({ ...row(), callback_url: url, task_id: 'cgt-1', tokens: 108900 });
    const audited = (redact({ upstream_request: { callback_url: url } }) as { upstream_request: { callback_url: string } }).upstream_request.callback_url;
    expect(exported.callback_url).toBe(audited);
    expect(exported.callback_url).toContain(REDACTED);
    expect(String(exported.callback_url)).not.toMatch(/s3cr3t|=abc|k-123|deadbeef|=a#/);
  });

  it('keeps every other column as it is, token counts included', () => {
    const plain = {
      ...row(),
      task_id: 'cgt-1',
      tokens: 108900,
      callback_url: 'https://example.com/cb?id=7',
      unit_price_usd_per_million_tokens: '7.0',
      hidden_by_tenant: false,
    };
    expect(exportRow(plain)).toEqual(plain);
  });
});
