import 'reflect-metadata';
import { startSandbox, SandboxHandle } from '@arkgate/sandbox';
import { randomBytes } from 'node:crypto';
import { createApp } from './app.factory';
import { ensureDemoAdmin } from './bootstrap/demo-admin';
import { ensureDemoTenant } from './bootstrap/demo-tenant';
import { CREATE_EXAMPLES } from './tasks/dto/task-examples';
import { AppConfig, ConfigError, loadConfig } from './config/app-config';
import { TenancyService } from './tenancy/tenancy.service';

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

  const app = await createApp(config);
  if (sandbox) {
    const s = sandbox;
    process.once('beforeExit', () => void s.close());
  }
  await app.listen(config.port, '0.0.0.0');
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

void main();
