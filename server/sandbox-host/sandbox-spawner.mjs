// The sandbox spawner: a small Node process (root, outside every sandbox) that starts the sandboxes'
// processes for the IDE server (terminals on a PTY, the rest on pipes) and relays their I/O. Forking
// copies the parent's page tables, so a fork from the server (~900 MB with PGlite) held its event loop
// ~45 ms; from here, ~4 ms, and never on the server's loop. Talks JSON lines: requests on stdin, events
// on stdout. Ends when the server does (stdin closes); its children have a parent-death signal.
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { StringDecoder } from 'node:string_decoder';
import pty from 'node-pty';

/** id → what the server may do to the process. */
const children = new Map();
const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

function startPiped({ id, file, args, stdio }) {
  const child = spawn(file, args, { stdio, env: {}, cwd: '/' });
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
  return {
    write: (data) => child.stdin?.write(data),
    end: () => child.stdin?.end(),
    kill: (signal) => child.kill(signal),
    pause: (fd) => child.stdio[fd]?.pause(),
    resume: (fd) => child.stdio[fd]?.resume(),
    resize: () => {},
  };
}

function startTerminal({ id, file, args, pty: size }) {
  const term = pty.spawn(file, args, { name: 'xterm-256color', cols: size.cols, rows: size.rows, cwd: '/', env: {} });
  send({ id, type: 'spawn', pid: term.pid });
  term.onData((data) => send({ id, type: 'data', fd: 1, data }));
  term.onExit(({ exitCode, signal }) => {
    children.delete(id);
    // node-pty reports a signal by number; 128+N is how shells and bwrap say it too.
    send({ id, type: 'exit', code: signal ? 128 + signal : exitCode, signal: null });
    send({ id, type: 'close' });
  });
  return {
    write: (data) => term.write(data),
    end: () => {},
    kill: (signal) => term.kill(signal),
    pause: () => term.pause(),
    resume: () => term.resume(),
    resize: (cols, rows) => term.resize(cols, rows),
  };
}

readline.createInterface({ input: process.stdin, crlfDelay: Infinity }).on('line', (line) => {
  const message = JSON.parse(line);
  if (message.op === 'spawn') {
    try {
      children.set(message.id, message.pty ? startTerminal(message) : startPiped(message));
    } catch (error) {
      send({ id: message.id, type: 'error', message: error.message });
      send({ id: message.id, type: 'close' });
    }
    return;
  }
  const child = children.get(message.id);
  if (!child) return;
  try {
    if (message.op === 'write') child.write(message.data);
    else if (message.op === 'end') child.end();
    else if (message.op === 'kill') child.kill(message.signal);
    else if (message.op === 'pause') child.pause(message.fd);
    else if (message.op === 'resume') child.resume(message.fd);
    else if (message.op === 'resize') child.resize(message.cols, message.rows);
  } catch {
    // A process that ended meanwhile (a kill or resize racing its exit): its exit is on the way.
  }
});
process.stdin.on('end', () => process.exit(0));
process.stdout.on('error', () => process.exit(0));
