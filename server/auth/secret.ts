import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { dataDir, env } from '@/lib/env';

let cached: Buffer | undefined;

/** SESSION_SECRET, or a random secret generated once into the data folder (never committed). */
export function getSessionSecret(): Buffer {
  if (cached) return cached;
  if (env.SESSION_SECRET) return (cached = Buffer.from(env.SESSION_SECRET));
  const file = path.join(dataDir, 'session-secret');
  try {
    cached = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex');
    fs.chmodSync(file, 0o600); // an older install may have left it readable
  } catch {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 }); // owner-only, like db/index.ts makes it
    const secret = randomBytes(32).toString('hex');
    try {
      fs.writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    } catch {
      // Another process created it first; use theirs.
    }
    cached = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex');
  }
  return cached;
}
