export { startSandbox, type SandboxHandle, type SandboxOptions } from './sandbox-server';
export { SandboxControl, type SandboxClockState } from './sandbox-control';
export type { ActiveFault, FaultKind, FaultOp, FaultSpec } from './fault-injector';
export type { RecordedRequest } from './request-log';
export type { CallbackRecord } from './callback-dispatcher';
export { SandboxControlError, type ForcedOutcome, type HoldStatus, type SandboxTaskRecord } from './task-store';
export type { CreateTaskParams } from './create-task-validator';
export { SANDBOX_MODELS } from './create-task-validator';
export type { SandboxReply, SandboxRequest, SandboxRoute, SandboxSurface } from './sandbox-http';
