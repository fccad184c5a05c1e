// Started by outlive.test.ts as a separate Node process standing in for the IDE server: it starts a
// sandbox with what a project leaves running (a command with a child, a dev server, the file helper,
// a network holder with socat, a preview forwarder), prints the sandbox's uid, then waits to be killed.
import { defaultConfig } from '@/server/sandbox-host/config';
import { SandboxManager } from '@/server/sandbox-host/manager';

const [dir, projectId] = process.argv.slice(2);
if (!dir || !projectId) throw new Error('usage: outlive-child.ts <sandbox dir> <project id>');
const workspace = new SandboxManager(defaultConfig(dir)).get(projectId);
await workspace.spawn('sh', ['-c', 'sleep 1000 & sleep 1000; wait']);
await workspace.spawn('node', ['-e', "require('http').createServer((q, r) => r.end('ok')).listen(4321, '127.0.0.1')"], { network: 'off' });
await workspace.fsRequest('readdir', { path: '' });
while (!workspace.ports.includes(4321)) await new Promise((resolve) => setTimeout(resolve, 50));
await workspace.previewSocket(4321);
process.stdout.write(`ready ${workspace.uid}\n`);
setInterval(() => {}, 60_000);
