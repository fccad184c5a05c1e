// Runs INSIDE a project's sandbox (bubblewrap, the project's uid, one network policy's namespace) and
// starts that sandbox's commands, so a command costs a fork and an exec instead of a new bubblewrap,
// setpriv, prlimit and set of namespaces. One JSON object per line on stdin (from the server) and
// stdout (to it). Plain JavaScript: it is read-only bound into the sandbox and run by the sandbox's node.
//
// Limits: this process got the commands' prlimit values from the server (address space, processes, file
// size, no core files) and children inherit them; only the CPU limit is the command's own, set by
// prlimit in front of every command (argv[2], argv[3]: soft and hard seconds). Nothing outlives its
// command: when a command's first process exits, every process of its session ends, and so does any
// process that left its command's session (setsid) — the old rule of one pid namespace per command.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

const [cpuSoft, cpuHard] = process.argv.slice(2).map(Number);
if (!(cpuSoft > 0 && cpuHard >= cpuSoft)) throw new Error('usage: sandbox-run.mjs <cpu soft> <cpu hard>');
const PRLIMIT = ['/usr/bin/prlimit', '/bin/prlimit'].find((p) => fs.existsSync(p));
const MY_SESSION = sessionOf(process.pid);

/** id → { child, sid, exit? } for every command whose first process was started here. */
const commands = new Map();
const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

function sessionOf(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid pgrp session …": comm may hold spaces and parentheses.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
  } catch {
    return undefined;
  }
}

/** SIGKILL for every process of this pid namespace outside a running command's session (and not us). */
function sweep() {
  const live = new Set([MY_SESSION]);
  for (const c of commands.values()) if (c.exit === undefined) live.add(c.sid);
  // A fork bomb forks while it is being killed: pass again until a pass finds nothing.
  for (let pass = 0; pass < 200; pass++) {
    let found = 0;
    for (const name of fs.readdirSync('/proc')) {
      const pid = Number(name);
      if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) continue;
      const sid = sessionOf(pid);
      if (sid === undefined || live.has(sid)) continue;
      try {
        process.kill(pid, 'SIGKILL');
        found++;
      } catch {
        /* gone meanwhile */
      }
    }
    if (found === 0) break;
  }
  if ([...commands.values()].every((c) => c.exit !== undefined)) cleanTemp();
}

/** With no command running, /tmp and /dev/shm start empty again, as they did with a sandbox per command. */
function cleanTemp() {
  for (const dir of ['/tmp', '/dev/shm']) {
    let names = [];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) fs.rmSync(`${dir}/${name}`, { recursive: true, force: true });
  }
}

function start({ id, command, args, cwd, env }) {
  if (commands.has(id)) return;
  let child;
  try {
    child = spawn(PRLIMIT, [`--cpu=${cpuSoft}:${cpuHard}`, '--', command, ...args], { cwd, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (error) {
    // A NUL byte in an argument or variable, say: this command cannot start; the others run on.
    send({ id, type: 'out', data: `${error.message}\n` });
    send({ id, type: 'exit', code: 127, signal: null });
    return;
  }
  // detached: setsid() in the child before exec, so its session id is its pid.
  const entry = { child, sid: child.pid, exit: undefined };
  commands.set(id, entry);
  child.stdin.on('error', () => {});
  for (const stream of [child.stdout, child.stderr]) {
    const decoder = new StringDecoder('utf8');
    stream.on('data', (data) => {
      const text = decoder.write(data);
      if (text) send({ id, type: 'out', data: text });
    });
  }
  child.on('error', (error) => {
    if (entry.exit !== undefined) return;
    send({ id, type: 'out', data: `${error.message}\n` });
    entry.exit = { code: 127, signal: null };
    finish(id);
  });
  child.on('exit', (code, signal) => {
    entry.exit = { code, signal };
    sweep(); // the rest of its session ends with it, which also closes the pipes its children held
  });
  child.on('close', () => finish(id));
}

function finish(id) {
  const entry = commands.get(id);
  if (!entry) return;
  commands.delete(id);
  send({ id, type: 'exit', code: entry.exit?.code ?? null, signal: entry.exit?.signal ?? null });
}

function handle(message) {
  if (message.op === 'start') return start(message);
  const entry = commands.get(message.id);
  if (!entry) return;
  const { child } = entry;
  switch (message.op) {
    case 'stdin':
      child.stdin.write(message.data);
      break;
    case 'end':
      child.stdin.end();
      break;
    case 'pause':
      child.stdout.pause();
      child.stderr.pause();
      break;
    case 'resume':
      child.stdout.resume();
      child.stderr.resume();
      break;
    case 'kill':
      try {
        process.kill(-entry.sid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      break;
  }
}

let buffered = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffered += chunk;
  let newline;
  while ((newline = buffered.indexOf('\n')) >= 0) {
    const line = buffered.slice(0, newline);
    buffered = buffered.slice(newline + 1);
    if (!line) continue;
    try {
      handle(JSON.parse(line));
    } catch (error) {
      process.stderr.write(`sandbox-run: ${error.message}\n`);
    }
  }
});
// The server closed our stdin (it is going away): end everything.
process.stdin.on('end', () => process.exit(0));
send({ type: 'ready' });
