// Standalone scripted model: node --import tsx e2e/scripted-model/main.ts --port 4010 [--scenario name] [--api-key k]
import { parseArgs } from 'node:util';
import { startScriptedModel } from './server';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    host: { type: 'string', default: '127.0.0.1' },
    scenario: { type: 'string' },
    'api-key': { type: 'string' },
    models: { type: 'string' },
  },
});

const model = await startScriptedModel({
  port: Number(values.port),
  host: values.host,
  scenario: values.scenario,
  apiKey: values['api-key'],
  models: values.models?.split(',').map((m) => m.trim()).filter(Boolean),
});
console.log(`scripted model listening on ${model.baseURL}${values.scenario ? ` (scenario ${values.scenario})` : ''}`);
const stop = () => void model.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
