import type { SandboxHandle } from '@arkgate/sandbox';

/** Bodies of the task creates the sandbox received, oldest first. */
export function upstreamCreates(sandbox: SandboxHandle): Record<string, any>[] {
  return sandbox.control
    .requests()
    .filter((r) => r.op === 'create')
    .map((r) => r.body as Record<string, any>);
}

export function lastUpstreamCreate(sandbox: SandboxHandle): Record<string, any> | undefined {
  const all = upstreamCreates(sandbox);
  return all[all.length - 1];
}
