import 'server-only';
import { randomBytes } from 'node:crypto';

/**
 * A share-link holder's own sandbox id: random, in UUID form, with version nibble 8 where project ids
 * (gen_random_uuid) carry 4. The preview proxy and the sandbox manager tell a holder's throwaway sandbox
 * from a project's by its id alone.
 */
export function newViewSandboxId(): string {
  const b = randomBytes(16);
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function isViewSandboxId(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id);
}
