// The capture script is built once with a placeholder where the IDE's origin goes (capture-script.ts);
// this writes the origin in. Kept apart from the script's own imports so the placeholder occurs once.

const ORIGIN_PLACEHOLDER = JSON.stringify('__IDE_ORIGIN__');

/**
 * The capture script answering `ideOrigin` only. Host names, IPv4 and bracketed IPv6 only: WHATWG URL
 * lets quotes through in hosts, and nothing but an origin may be written into the script.
 */
export function withIdeOrigin(script: string, ideOrigin: string): string {
  if (!/^https?:\/\/(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/.test(ideOrigin) || new URL(ideOrigin).origin !== ideOrigin) {
    throw new Error(`capture script: not an http(s) origin: ${ideOrigin}`);
  }
  if (script.split(ORIGIN_PLACEHOLDER).length !== 2) throw new Error('capture script: the IDE origin placeholder must occur once');
  return script.replace(ORIGIN_PLACEHOLDER, () => JSON.stringify(ideOrigin));
}
