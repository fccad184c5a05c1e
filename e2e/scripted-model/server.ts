import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { planAnswer } from './answer';
import { chatChunks, chatCompletionBody, chatTrailing } from './chat-completions';
import { responseBody, responseEvents, responsesTrailing } from './responses';
import { loadScenario, parseScenario, ScenarioRunner, type ScenarioInput, type Step } from './scenario';

// An OpenAI-compatible HTTP server for tests and benchmarks, driven by scenarios (see scenario.ts).
// Speaks POST /v1/chat/completions and POST /v1/responses (streamed and not), GET /v1/models, and
// records every request: GET /__requests, POST /__reset, POST /__scenario {name} | {scenario}.

export interface RecordedRequest {
  at: number;
  method: string;
  path: string;
  authorization: string | null;
  body: Record<string, unknown> | null;
  /** The scenario step that answered (index), or null when none matched. */
  step: number | null;
  status: number;
  /** The client went away before the answer was complete. */
  clientAborted: boolean;
}

export interface ScriptedModelOptions {
  port?: number;
  host?: string;
  /** A scenario object or the name of a file in scenarios/. */
  scenario?: ScenarioInput | string;
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (else 401 invalid_api_key). */
  apiKey?: string;
  /** When set, other model ids answer 404 model_not_found. */
  models?: string[];
}

export interface ScriptedModel {
  url: string;
  /** The base URL for the openai SDK (`…/v1`). */
  baseURL: string;
  load(scenario: ScenarioInput | string): void;
  requests(): RecordedRequest[];
  reset(): void;
  close(): Promise<void>;
}

const sleep = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function apiError(res: http.ServerResponse, status: number, message: string, code: string | null, headers: Record<string, string> = {}) {
  const type = status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error';
  sendJson(res, status, { error: { message, type, param: null, code } }, headers);
}

async function readBody(req: http.IncomingMessage): Promise<Record<string, unknown> | null> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  if (!parts.length) return null;
  try {
    return JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

export async function startScriptedModel(options: ScriptedModelOptions = {}): Promise<ScriptedModel> {
  let runner: ScenarioRunner | null = null;
  let log: RecordedRequest[] = [];
  const load = (scenario: ScenarioInput | string) => {
    runner = new ScenarioRunner(typeof scenario === 'string' ? loadScenario(scenario) : parseScenario(scenario));
  };
  if (options.scenario) load(options.scenario);

  async function answer(req: http.IncomingMessage, res: http.ServerResponse, record: RecordedRequest, api: 'chat' | 'responses') {
    const body = record.body;
    if (!body || typeof body.model !== 'string') return apiError(res, (record.status = 400), 'model is required', null);
    if (options.apiKey !== undefined && record.authorization !== `Bearer ${options.apiKey}`) {
      return apiError(res, (record.status = 401), 'Incorrect API key provided.', 'invalid_api_key');
    }
    if (options.models && !options.models.includes(body.model)) {
      return apiError(res, (record.status = 404), `The model \`${body.model}\` does not exist.`, 'model_not_found');
    }
    const trailing = api === 'chat' ? chatTrailing(body.messages) : responsesTrailing(body.input);
    const picked = runner?.next(trailing);
    if (!picked) {
      const what = runner ? `scenario "${runner.scenario.name}" has no step left for this request` : 'no scenario loaded';
      return apiError(res, (record.status = 409), `scripted model: ${what}`, 'scripted_model_exhausted');
    }
    record.step = picked.index;
    const step: Step = picked.step;
    if (picked.fault && step.fault) {
      const f = step.fault;
      const headers: Record<string, string> =
        f.retryAfterMs !== undefined ? { 'retry-after-ms': String(f.retryAfterMs), 'retry-after': String(Math.ceil(f.retryAfterMs / 1000)) } : {};
      return apiError(res, (record.status = f.status), f.message ?? `scripted fault ${f.status}`, f.code ?? null, headers);
    }
    const planned = planAnswer(step, trailing.chars);
    record.status = 200;
    if (body.stream !== true) {
      await sleep(step.firstChunkDelayMs);
      return sendJson(res, 200, api === 'chat' ? chatCompletionBody(planned, body.model) : responseBody(planned, body.model));
    }
    const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    const items = api === 'chat' ? chatChunks(planned, body.model, includeUsage) : responseEvents(planned, body.model);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders();
    await sleep(step.firstChunkDelayMs);
    for (let i = 0; i < items.length; i++) {
      if (res.destroyed) return;
      if (step.cutAfterChunks !== undefined && i >= step.cutAfterChunks) {
        await sleep(30); // let the chunks already written reach the client, then drop the connection
        res.destroy();
        return;
      }
      const item = items[i] as { type?: string };
      res.write(api === 'responses' ? `event: ${item.type}\ndata: ${JSON.stringify(item)}\n\n` : `data: ${JSON.stringify(item)}\n\n`);
      if (i > 0) await sleep(step.chunkDelayMs);
    }
    if (api === 'chat') res.write('data: [DONE]\n\n');
    res.end();
  }

  const server = http.createServer((req, res) => {
    res.socket?.setNoDelay(true);
    const url = new URL(req.url ?? '/', 'http://localhost');
    void (async () => {
      const body = req.method === 'POST' ? await readBody(req) : null;
      if (url.pathname === '/__requests') return sendJson(res, 200, log);
      if (url.pathname === '/__reset' && req.method === 'POST') {
        log = [];
        if (runner) runner = new ScenarioRunner(runner.scenario);
        return sendJson(res, 200, { ok: true });
      }
      if (url.pathname === '/__scenario' && req.method === 'POST') {
        try {
          load((body?.scenario as ScenarioInput | undefined) ?? String(body?.name ?? ''));
          log = [];
          return sendJson(res, 200, { ok: true, name: runner!.scenario.name });
        } catch (error) {
          return sendJson(res, 400, { error: { message: (error as Error).message } });
        }
      }
      const record: RecordedRequest = {
        at: Date.now(),
        method: req.method ?? 'GET',
        path: url.pathname,
        authorization: req.headers.authorization ?? null,
        body,
        step: null,
        status: 0,
        clientAborted: false,
      };
      log.push(record);
      res.on('close', () => {
        if (!res.writableFinished) record.clientAborted = true;
      });
      if (url.pathname === '/v1/models' && req.method === 'GET') {
        record.status = 200;
        const ids = options.models ?? ['scripted-model'];
        return sendJson(res, 200, { object: 'list', data: ids.map((id) => ({ id, object: 'model', created: 0, owned_by: 'scripted' })) });
      }
      if (url.pathname === '/v1/chat/completions' && req.method === 'POST') return answer(req, res, record, 'chat');
      if (url.pathname === '/v1/responses' && req.method === 'POST') return answer(req, res, record, 'responses');
      apiError(res, (record.status = 404), `No route ${req.method} ${url.pathname}`, null);
    })().catch((error: unknown) => {
      if (!res.headersSent) apiError(res, 500, `scripted model crashed: ${(error as Error).message}`, null);
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
  return {
    url,
    baseURL: `${url}/v1`,
    load,
    requests: () => log,
    reset: () => {
      log = [];
      if (runner) runner = new ScenarioRunner(runner.scenario);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
