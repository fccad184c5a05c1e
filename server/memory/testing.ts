import 'server-only';
import { randomUUID } from 'node:crypto';
import { validateToolCall } from '@/lib/agent/protocol';
import type { MemoryMessage } from '@/server/memory/types';

// Builders for conversations in the stored format (tests and bench/memory.ts).

export function userMessage(text: string, id: string = randomUUID()): MemoryMessage {
  return { id, content: { kind: 'user', text } };
}

export interface ScriptedCall {
  name: string;
  args: Record<string, unknown>;
  output: string;
  ok?: boolean;
}

let callSeq = 0;

/** One agent step: an assistant message with its tool calls, then one result per call. */
export function agentStep(text: string, calls: readonly ScriptedCall[] = []): MemoryMessage[] {
  const toolCalls = calls.map((c) => validateToolCall({ id: `call_${++callSeq}`, name: c.name, arguments: JSON.stringify(c.args) }));
  const assistant: MemoryMessage = {
    id: randomUUID(),
    content: { kind: 'assistant', text, toolCalls, finishReason: calls.length ? 'tool_calls' : 'stop', model: 'scripted-model' },
  };
  const results: MemoryMessage[] = calls.map((c, i) => ({
    id: randomUUID(),
    content: { kind: 'tool', toolCallId: toolCalls[i]!.id, name: c.name, ok: c.ok ?? true, output: c.output },
  }));
  return [assistant, ...results];
}

/** A command's output as run_command reports it. */
export function commandOutput(command: string, exitCode: number, body: string): string {
  return `$ ${command}\nexit code ${exitCode}\n${body}`;
}
