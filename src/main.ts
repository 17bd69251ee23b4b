import 'reflect-metadata';
import { startSandbox, SandboxHandle } from '@arkgate/sandbox';
import { randomBytes } from 'node:crypto';
import { AppConfig, ConfigError, loadConfig } from './config/app-config';
import { portIsFree } from './common/lifecycle/port-probe';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`arkgate: configuration error: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const say = (line: string) => process.stdout.write(`${line}\n`);
  // Nothing touches the database before we know the ports can be bound (docs/contract.md §9: a failed start changes nothing).
  for (const port of config.metricsPort === undefined ? [config.port] : [config.port, config.metricsPort]) {
    if (!(await portIsFree(port, config.host))) {
      process.stderr.write(`arkgate: port ${port} is already in use on ${config.host} (or not allowed); nothing was started or changed\n`);
      process.exit(1);
    }
  }

  // The application is loaded only once the configuration and the port are known to be good, so a bad start fails fast.
  const [
    { createApp },
    { ensureDemoTenant },
    { ensureDemoAdmin },
    { CREATE_EXAMPLES },
    { TenancyService },
    { AdminService },
    { installGracefulShutdown },
    { InFlightRequests },
    { MetricsService },
    { listenMetrics },
    { ensureDemoExamples },
    { writeDemoEnv },
  ] = await Promise.all([
    import('./app.factory'),
    import('./bootstrap/demo-tenant'),
    import('./bootstrap/demo-admin'),
    import('./tasks/dto/task-examples'),
    import('./tenancy/tenancy.service'),
    import('./admin/admin.service'),
    import('./common/lifecycle/graceful-shutdown'),
    import('./common/lifecycle/in-flight-requests'),
    import('./observability/metrics.service'),
    import('./observability/metrics-listener'),
    import('./bootstrap/demo-examples'),
    import('./bootstrap/demo-env'),
  ]);

  let sandbox: SandboxHandle | undefined;
  if (config.upstream === 'sandbox') {
    const apiKey = config.ark.apiKey ?? `sandbox-${randomBytes(12).toString('hex')}`;
    sandbox = await startSandbox({ port: config.sandboxPort, apiKey, ...(config.sandboxStateFile ? { stateFile: config.sandboxStateFile } : {}) });
    config = {
      ...config,
      ark: {
        ...config.ark,
        baseUrl: sandbox.dataPlaneUrl,
        apiKey,
        openApiUrl: sandbox.openApiUrl,
        accessKeyId: sandbox.accessKeyId,
        secretAccessKey: sandbox.secretAccessKey,
      },
    };
    say(`BytePlus sandbox listening on ${sandbox.url} (no ARK_API_KEY set)`);
  }

  const app = await createApp(config, { syncAdmin: false });
  const s = sandbox;
  await app.listen(config.port, config.host);
  const metricsServer = config.metricsPort === undefined ? undefined : await listenMetrics(app.get(MetricsService), config.metricsPort, config.host);
  installGracefulShutdown(app, config.shutdownGraceMs, async () => {
    await new Promise<void>((resolve) => (metricsServer ? metricsServer.close(() => resolve()) : resolve()));
    await s?.close();
  });
  // Bootstrap writes only once the port is ours; requests arriving meanwhile wait for them.
  await app.get(AdminService).syncBootstrapAdmin(config.adminToken);
  app.get(InFlightRequests).open();
  const base = `http://${displayHost(config.host)}:${config.port}`;
  say(`arkgate listening on ${config.host}:${config.port} (profile ${config.profile}, upstream ${config.upstream}); API docs at ${base}/docs`);
  if (config.metricsPort !== undefined) say(`Prometheus metrics without a token on http://${displayHost(config.host)}:${config.metricsPort}/metrics`);

  if (config.demo) {
    const demo = await ensureDemoTenant(app.get(TenancyService), app.get(AdminService), 'data/demo-credentials.json');
    const demoAdmin = await ensureDemoAdmin(app.get(TenancyService), app.get(AdminService), 'data/demo-admin.json');
    // What the documented examples need (a Filter-Off mapping, assets), made only when the upstream is the sandbox.
    const assets = config.upstream === 'sandbox' ? await ensureDemoExamples(base, demo, demoAdmin) : undefined;
    // The documented fast 480p example as is: its example.com callback resolves in sandbox mode without DNS.
    const body = JSON.stringify(CREATE_EXAMPLES.fast480p.value);
    await writeDemoEnv('data/demo.env', { BASE_URL: base, TOKEN: demo.token, TENANT_ID: demo.tenantId, ADMIN: demoAdmin });
    process.stdout.write(
      [
        '',
        `Demo tenant: ${demo.tenantId}`,
        `Demo token:  ${demo.token}`,
        '',
        `Web console: ${base}/console (sign in with the demo admin token)`,
        `Demo admin token: ${demoAdmin}`,
        'The same as shell variables (BASE_URL, TOKEN, TENANT_ID, ADMIN): source data/demo.env',
        '',
        ...(assets
          ? [
              `Demo assets (use them in place of the asset ids of the examples at ${base}/docs):`,
              `  group ${assets.groupId}, image asset://${assets.imageAssetId}, video asset://${assets.videoAssetId}`,
              '',
            ]
          : []),
        'Create a task:',
        `curl -s -X POST '${base}/volcark/api/v3/contents/generations/tasks' -H 'Authorization: Bearer ${demo.token}' -H 'Content-Type: application/json' -d '${body}'`,
        '',
        'Then poll it:',
        `curl -s '${base}/volcark/api/v3/contents/generations/tasks/<id>' -H 'Authorization: Bearer ${demo.token}'`,
        '',
      ].join('\n'),
    );
  }
}

/** The address to print for a listen address: a wildcard is reached locally through the loopback. */
function displayHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

main().catch((err: unknown) => {
  process.stderr.write(`arkgate: start failed: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
