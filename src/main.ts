import 'reflect-metadata';
import { startSandbox, SandboxHandle } from '@arkgate/sandbox';
import { randomBytes } from 'node:crypto';
import { AppConfig, ConfigError, loadConfig } from './config/app-config';
import { portIsFree } from './common/lifecycle/port-probe';

const LISTEN_HOST = '0.0.0.0';

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
  // Nothing touches the database before we know the port can be bound (DESIGN §9: a failed start changes nothing).
  if (!(await portIsFree(config.port, LISTEN_HOST))) {
    process.stderr.write(`arkgate: port ${config.port} is already in use (or not allowed); nothing was started or changed\n`);
    process.exit(1);
  }

  // The application is loaded only once the configuration and the port are known to be good, so a bad start fails fast.
  const [{ createApp }, { ensureDemoTenant }, { ensureDemoAdmin }, { CREATE_EXAMPLES }, { TenancyService }, { installGracefulShutdown }, { InFlightRequests }] =
    await Promise.all([
      import('./app.factory'),
      import('./bootstrap/demo-tenant'),
      import('./bootstrap/demo-admin'),
      import('./tasks/dto/task-examples'),
      import('./tenancy/tenancy.service'),
      import('./common/lifecycle/graceful-shutdown'),
      import('./common/lifecycle/in-flight-requests'),
    ]);

  let sandbox: SandboxHandle | undefined;
  if (config.upstream === 'sandbox') {
    const apiKey = config.ark.apiKey ?? `sandbox-${randomBytes(12).toString('hex')}`;
    sandbox = await startSandbox({ port: config.sandboxPort, apiKey });
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
  await app.listen(config.port, LISTEN_HOST);
  installGracefulShutdown(app, config.shutdownGraceMs, async () => s?.close());
  // Bootstrap writes only once the port is ours; requests arriving meanwhile wait for them.
  await app.get(TenancyService).syncBootstrapAdmin(config.adminToken);
  app.get(InFlightRequests).open();
  const base = `http://127.0.0.1:${config.port}`;
  say(`arkgate listening on ${base} (profile ${config.profile}, upstream ${config.upstream}); API docs at ${base}/docs`);

  if (config.demo) {
    const demo = await ensureDemoTenant(app.get(TenancyService), 'data/demo-credentials.json');
    const demoAdmin = await ensureDemoAdmin(app.get(TenancyService), 'data/demo-admin.json');
    // The seed's fast 480p example without the callback (a local run may have no public DNS).
    const { callback_url: _callback, ...example } = CREATE_EXAMPLES.fast480p.value;
    const body = JSON.stringify(example);
    process.stdout.write(
      [
        '',
        `Demo tenant: ${demo.tenantId}`,
        `Demo token:  ${demo.token}`,
        '',
        `Web console: ${base}/console (sign in with the demo admin token)`,
        `Demo admin token: ${demoAdmin}`,
        '',
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

main().catch((err: unknown) => {
  process.stderr.write(`arkgate: start failed: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
