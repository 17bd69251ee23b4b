import { renderDemoEnv } from './demo-env';

describe('the demo env file', () => {
  it('exports every variable single-quoted, so no character of a value is read by the shell', () => {
    const text = renderDemoEnv({ BASE_URL: 'http://127.0.0.1:3000', TOKEN: "oh-a'b$c", TENANT_ID: 't-1', ADMIN: 'oh-x`y' });
    expect(text).toContain("export BASE_URL='http://127.0.0.1:3000'\n");
    expect(text).toContain("export TOKEN='oh-a'\\''b$c'\n");
    expect(text).toContain("export ADMIN='oh-x`y'\n");
    expect(text.split('\n').filter((l) => l.startsWith('export '))).toHaveLength(4);
  });
});
