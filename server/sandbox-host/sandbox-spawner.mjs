// The sandbox spawner: a small Node process (root, outside every sandbox) that starts the sandboxes'
// long-lived processes for the IDE server and relays their pipes. Forking copies the parent's page
// tables, so a fork from the server (~900 MB with PGlite) held its event loop ~45 ms; from here, ~4 ms,
// and never on the server's loop. Talks JSON lines: requests on stdin, events on stdout. Ends when the
// server does (stdin closes); its children have a parent-death signal and end with it.
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { StringDecoder } from 'node:string_decoder';

const children = new Map();
const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

function start({ id, file, args, stdio }) {
  const child = spawn(file, args, { stdio, env: {}, cwd: '/' });
  children.set(id, child);
  child.on('spawn', () => send({ id, type: 'spawn', pid: child.pid }));
  child.on('error', (error) => send({ id, type: 'error', message: error.message }));
  child.stdin?.on('error', () => {});
  child.stdio.forEach((stream, fd) => {
    if (fd === 0 || !stream) return;
    const decoder = new StringDecoder('utf8');
    stream.on('data', (data) => {
      const text = decoder.write(data);
      if (text) send({ id, type: 'data', fd, data: text });
    });
  });
  child.on('exit', (code, signal) => send({ id, type: 'exit', code, signal }));
  child.on('close', () => {
    children.delete(id);
    send({ id, type: 'close' });
  });
}

readline.createInterface({ input: process.stdin, crlfDelay: Infinity }).on('line', (line) => {
  const message = JSON.parse(line);
  if (message.op === 'spawn') return start(message);
  const child = children.get(message.id);
  if (!child) return;
  if (message.op === 'write') child.stdin?.write(message.data);
  else if (message.op === 'end') child.stdin?.end();
  else if (message.op === 'kill') child.kill(message.signal);
  else if (message.op === 'pause') child.stdio[message.fd]?.pause();
  else if (message.op === 'resume') child.stdio[message.fd]?.resume();
});
process.stdin.on('end', () => process.exit(0));
process.stdout.on('error', () => process.exit(0));
