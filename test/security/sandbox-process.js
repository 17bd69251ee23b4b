// Child process of event-loop-stall.e2e-spec.ts: the BytePlus sandbox in a process of its own, so that its reading
// of 60 MB create bodies never delays the test's probes. Sends what a SandboxHandle carries to the parent. Plain JavaScript.
require('ts-node/register/transpile-only');
require('tsconfig-paths/register'); // resolves @arkgate/* from the tsconfig of the working directory (the repository root)
const { startSandbox } = require('../../libs/sandbox/src');

startSandbox().then((s) =>
  process.send({ apiKey: s.apiKey, dataPlaneUrl: s.dataPlaneUrl, openApiUrl: s.openApiUrl, accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey }),
);
