import { ConfigError, loadConfig } from './app-config';

describe('config (docs/contract.md §7)', () => {
  it('defaults make a fresh local run work: SQLite file, phanedge, sandbox upstream, demo tenant', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      database: { type: 'sqlite', path: './data/arkgate.sqlite' },
      profile: 'phanedge',
      upstream: 'sandbox',
      demo: true,
      maxBodyMb: 64,
      ark: {
        baseUrl: 'https://ark.ap-southeast.bytepluses.com/api/v3',
        openApiUrl: 'https://open.byteplusapi.com',
        region: 'ap-southeast-1',
        projectName: 'default',
        timeoutMs: 20000,
      },
    });
    expect(c.redisUrl).toBeUndefined();
  });

  it('an ARK_API_KEY switches to real BytePlus and turns the demo tenant off', () => {
    const c = loadConfig({ ARK_API_KEY: 'k' });
    expect(c.upstream).toBe('byteplus');
    expect(c.demo).toBe(false);
  });

  it('reads postgres URLs (with an optional schema) and sqlite paths', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h:5432/db?schema=s1' }).database).toEqual({
      type: 'postgres',
      url: 'postgres://u@h:5432/db',
      schema: 's1',
    });
    expect(loadConfig({ DATABASE_URL: 'sqlite:/tmp/x.db' }).database).toEqual({ type: 'sqlite', path: '/tmp/x.db' });
  });

  it('parses DNS overrides', () => {
    expect(loadConfig({ ARKGATE_DNS_OVERRIDES: 'example.com=93.184.215.14' }).dnsOverrides.get('example.com')).toEqual(['93.184.215.14']);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x'],
    ['REDIS_URL', 'localhost:6379'],
    ['ARKGATE_ADMIN_TOKEN', 'short'],
    ['ARKGATE_PROFILE', 'other'],
    ['ARKGATE_UPSTREAM', 'elsewhere'],
    ['ARK_BASE_URL', 'not a url'],
    ['ARK_TIMEOUT_MS', '0'],
    ['ARK_TIMEOUT_MS', '1.5'],
    ['ARKGATE_MAX_BODY_MB', '-1'],
    ['ARKGATE_DNS_OVERRIDES', 'example.com'],
    ['ARKGATE_DNS_OVERRIDES', 'example.com=999.1.1.1'],
    ['ARKGATE_DEMO', 'yes'],
    ['HOST', 'localhost'],
    ['LOG_LEVEL', 'loud'],
    ['LOG_FORMAT', 'xml'],
    ['METRICS_PORT', '0'],
  ])('a bad %s=%p stops the start with one line naming it', (name, value) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message.startsWith(name)).toBe(true);
    expect((error as Error).message).not.toContain('\n');
  });

  it('ARKGATE_UPSTREAM=byteplus without a key is refused', () => {
    expect(() => loadConfig({ ARKGATE_UPSTREAM: 'byteplus' })).toThrow(/^ARK_API_KEY/);
  });
});

describe('config of faults and hostile input (docs/contract.md §9, §10)', () => {
  it('defaults: ports 443 and 8443, no audit key, 300 unauthenticated calls a minute, 10 s inline, 900 s deadline, 10 s drain', () => {
    const c = loadConfig({});
    expect(c.allowedUrlPorts).toEqual([443, 8443]);
    expect(c.auditKey).toBeUndefined();
    expect(c.unauthRatePerMinute).toBe(300);
    expect(c.reconcile).toMatchObject({ inlineMs: 10000, deadlineMs: 900_000, enabled: true, graceMs: 30000 });
    expect(c.shutdownGraceMs).toBe(10000);
  });

  it('443 is always allowed; other ports come from ARKGATE_ALLOWED_URL_PORTS', () => {
    expect(loadConfig({ ARKGATE_ALLOWED_URL_PORTS: '9443' }).allowedUrlPorts).toEqual([443, 9443]);
  });

  it.each([
    ['ARKGATE_ALLOWED_URL_PORTS', '443,abc'],
    ['ARKGATE_AUDIT_KEY', 'short'],
    ['ARKGATE_RECONCILE_INLINE_MS', '-1'],
    ['ARKGATE_RECONCILE_DEADLINE_S', '0'],
    ['ARKGATE_SHUTDOWN_GRACE_MS', 'soon'],
    ['ARKGATE_UNAUTH_RATE_PER_MINUTE', '0'],
  ])('refuses a bad %s in one line naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^${name} `));
  });
});

describe('config of the listener, request log and metrics (docs/contract.md §7, §12)', () => {
  it('with the sandbox: listens on 127.0.0.1 and logs pretty lines at info; no metrics port', () => {
    const c = loadConfig({});
    expect(c.host).toBe('127.0.0.1');
    expect(c.log).toEqual({ level: 'info', format: 'pretty' });
    expect(c.metricsPort).toBeUndefined();
  });

  it('with BytePlus: listens on 0.0.0.0 and logs JSON lines', () => {
    const c = loadConfig({ ARK_API_KEY: 'k' });
    expect(c.host).toBe('0.0.0.0');
    expect(c.log.format).toBe('json');
  });

  it('HOST, LOG_LEVEL, LOG_FORMAT and METRICS_PORT override the defaults', () => {
    const c = loadConfig({ HOST: '0.0.0.0', LOG_LEVEL: 'warn', LOG_FORMAT: 'json', METRICS_PORT: '9464' });
    expect(c).toMatchObject({ host: '0.0.0.0', log: { level: 'warn', format: 'json' }, metricsPort: 9464 });
  });

  it('PORT=abc is reported as not an integer, not as too large', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/^PORT must be an integer number/);
  });
});
