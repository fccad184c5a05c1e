// The production IDE as a bench:proxy target: `npm start` (built first when there is no build)
// pointed at the scripted model, with a project and chats created through its own tRPC API.
import type { ProxyTarget } from '../proxy';
import { startIde } from './server';

async function trpc(url: string, path: string, input: unknown, cookie?: string): Promise<{ data: unknown; setCookie: string | null }> {
  const res = await fetch(`${url}/api/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ json: input }),
  });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { result: { data: { json: unknown } } };
  return { data: body.result.data.json, setCookie: res.headers.get('set-cookie') };
}

export async function setupNextTarget(modelUrl: string, chats: number): Promise<{ target: ProxyTarget; stop: () => Promise<void> }> {
  const ide = await startIde(3190, { OPENAI_BASE_URL: modelUrl, OPENAI_API_KEY: 'sk-bench', OPENAI_MODELS: 'scripted-model', SANDBOX_ADAPTERS: 'host', AGENT_TURNS_PER_MINUTE: '0', MODEL_DAILY_TOKENS: '0' });
  const created = await trpc(ide.baseUrl, 'project.create', { title: 'bench' });
  const cookie = created.setCookie!.split(';')[0]!;
  const projectId = (created.data as { id: string }).id;
  const ids: string[] = [];
  for (let i = 0; i < chats; i++) ids.push(((await trpc(ide.baseUrl, 'chat.create', { projectId }, cookie)).data as { id: string }).id);
  return { target: { label: 'IDE proxy (Next)', url: ide.baseUrl, cookie, projectId, chats: ids }, stop: ide.stop };
}
