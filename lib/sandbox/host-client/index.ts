export { createHostSandbox, HostSandboxError, type HostSandbox, type HostSandboxOptions, type WebSocketConstructor, type WebSocketLike } from '@/lib/sandbox/host-client/client';
export { CLOSE_CODES, SANDBOX_WS_PATH } from '@/lib/sandbox/host-client/protocol';
