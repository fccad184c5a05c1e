import type { Step } from './scenario';

// A step turned into the pieces both wire formats stream: text deltas and tool calls whose
// arguments arrive in several deltas.

export interface PlannedCall {
  id: string;
  name: string;
  arguments: string;
  argChunks: string[];
}

export interface PlannedAnswer {
  textChunks: string[];
  text: string;
  calls: PlannedCall[];
  usage: { promptTokens: number; completionTokens: number };
}

function split(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

let callCounter = 0;

export function planAnswer(step: Step, promptChars: number): PlannedAnswer {
  const textChunks = step.text ? split(step.text, step.chunkChars) : [];
  for (let i = 0; i < (step.tokens ?? 0); i++) textChunks.push('tok ');
  const calls = (step.toolCalls ?? []).map((c) => {
    const args = typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments);
    return { id: c.id ?? `call_${++callCounter}`, name: c.name, arguments: args, argChunks: args ? split(args, step.argChunkChars) : [''] };
  });
  const text = textChunks.join('');
  const completionTokens = step.tokens ?? Math.max(1, Math.ceil((text.length + calls.reduce((n, c) => n + c.arguments.length, 0)) / 4));
  return {
    textChunks,
    text,
    calls,
    usage: step.usage ?? { promptTokens: Math.max(1, Math.ceil(promptChars / 4)), completionTokens },
  };
}
