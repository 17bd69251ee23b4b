/**
 * Runs the sandbox alone: `npm run sandbox`.
 * Env: SANDBOX_PORT (3900), SANDBOX_HOST (127.0.0.1), ARK_API_KEY (sandbox-key), SANDBOX_QUEUED_MS, SANDBOX_RUNNING_MS,
 * ARK_ACCESS_KEY_ID (AKSANDBOX), ARK_SECRET_ACCESS_KEY (sandbox-secret).
 */
import { startSandbox } from './sandbox-server';

function numberFromEnv(name: string, fallback?: number): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

async function main(): Promise<void> {
  const sandbox = await startSandbox({
    port: numberFromEnv('SANDBOX_PORT', 3900),
    host: process.env.SANDBOX_HOST || '127.0.0.1',
    apiKey: process.env.ARK_API_KEY || 'sandbox-key',
    queuedMs: numberFromEnv('SANDBOX_QUEUED_MS'),
    runningMs: numberFromEnv('SANDBOX_RUNNING_MS'),
    accessKeyId: process.env.ARK_ACCESS_KEY_ID || undefined,
    secretAccessKey: process.env.ARK_SECRET_ACCESS_KEY || undefined,
  });
  console.log(`BytePlus sandbox listening on ${sandbox.dataPlaneUrl} (API key: ${sandbox.apiKey})`);
  console.log(
    `Asset library OpenAPI: POST ${sandbox.openApiUrl}/?Action=<Action>&Version=2024-01-01 ` +
      `(region ap-southeast-1, service ark; access key ${sandbox.accessKeyId}, secret ${sandbox.secretAccessKey})`,
  );
  const stop = () => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
