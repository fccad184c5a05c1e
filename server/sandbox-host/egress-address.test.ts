import { describe, expect, it } from 'vitest';
import { isPublicAddress, normalizeHost, parseAuthority, resolveTarget, type Lookup } from '@/server/sandbox-host/egress-address';
import { NON_PUBLIC_SPELLINGS } from '@/server/sandbox-host/testing';

const noNames: Lookup = () => Promise.reject(new Error('no DNS in this test'));

async function refused(spelling: string, form: 'connect' | 'url'): Promise<boolean> {
  const target =
    form === 'connect'
      ? parseAuthority(`${spelling}:443`, 443)
      : (() => {
          try {
            const url = new URL(`http://${spelling}/`);
            return normalizeHost(url.hostname, 80);
          } catch {
            return undefined;
          }
        })();
  if (!target) return true;
  expect(target.literal, `${spelling} must parse as an address, never be looked up as a name`).toBe(true);
  const resolution = await resolveTarget(target, { publicOnly: true, lookup: noNames });
  return !resolution.ok && resolution.status === 403;
}

describe('egress addresses: every spelling of a non-public address is refused', () => {
  it.each(NON_PUBLIC_SPELLINGS)('%s', async (spelling) => {
    expect(await refused(spelling, 'connect'), `CONNECT ${spelling}`).toBe(true);
    expect(await refused(spelling, 'url'), `http://${spelling}/`).toBe(true);
  });

  it('normalizes numeric IPv4 forms to the address they mean', () => {
    for (const spelling of ['2130706433', '0x7f000001', '0177.0.0.1', '127.1', '0x7f.1']) {
      expect(parseAuthority(`${spelling}:80`, 443), spelling).toEqual({ host: '127.0.0.1', port: 80, literal: true });
    }
    expect(parseAuthority('[0::ffff:127.0.0.1]:8080', 443)).toEqual({ host: '::ffff:7f00:1', port: 8080, literal: true });
    // Full-width digits and percent-escapes are folded by the URL parser too.
    expect(parseAuthority('\uff11\uff12\uff17.\uff10.\uff10.\uff11:80', 443)).toEqual({ host: '127.0.0.1', port: 80, literal: true });
    expect(parseAuthority('%31%32%37.0.0.1:80', 443)).toEqual({ host: '127.0.0.1', port: 80, literal: true });
  });
});

describe('egress addresses: public addresses and names', () => {
  it('lets public addresses through, in any spelling, with IPv4 inside IPv6 judged by the IPv4', () => {
    for (const a of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1']) {
      expect(isPublicAddress(a), a).toBe(true);
    }
    expect(parseAuthority('134744072:443', 443)).toEqual({ host: '8.8.8.8', port: 443, literal: true });
  });

  it('refuses what is not an address at all', () => {
    for (const a of ['', 'localhost', '127.0.0.1.', '0x7f.1', '2130706433', 'fe80::1%lo', '::ffff:127.0.0.1%eth0']) expect(isPublicAddress(a), a).toBe(false);
  });

  it('refuses malformed hosts and authorities', () => {
    for (const value of ['', ':443', 'a b:443', 'user@host:443', 'host/x:443', 'host:0', 'host:65536', 'host:443:1', 'a!b.example:443', '[::1:443', 'host:-1']) {
      expect(parseAuthority(value, 443), value).toBeUndefined();
    }
    expect(parseAuthority('Registry.NPMJS.org.:443', 80)).toEqual({ host: 'registry.npmjs.org', port: 443, literal: false });
  });

  it('resolves a name once, checks every address, and connects to a checked one', async () => {
    const calls: string[] = [];
    const dns = (answers: string[]): Lookup => async (name) => {
      calls.push(name);
      return answers.map((address) => ({ address }));
    };
    const name = { host: 'example.test', port: 443, literal: false };
    expect(await resolveTarget(name, { publicOnly: true, lookup: dns(['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c']) })).toEqual({ ok: true, address: '93.184.215.14' });
    // One private answer among public ones is enough to refuse (a rebinding name answers both).
    expect(await resolveTarget(name, { publicOnly: true, lookup: dns(['93.184.215.14', '127.0.0.1']) })).toMatchObject({ ok: false, status: 403 });
    expect(await resolveTarget(name, { publicOnly: true, lookup: dns(['::ffff:169.254.169.254']) })).toMatchObject({ ok: false, status: 403 });
    expect(await resolveTarget(name, { publicOnly: true, lookup: dns([]) })).toMatchObject({ ok: false, status: 403 });
    expect(await resolveTarget(name, { publicOnly: true, lookup: noNames })).toMatchObject({ ok: false, status: 502 });
    expect(calls).toEqual(['example.test', 'example.test', 'example.test', 'example.test']);
    // The allowlist trusts the operator's names: a registry mirror may live on the local network.
    expect(await resolveTarget(name, { publicOnly: false, lookup: dns(['10.0.0.5', '93.184.215.14']) })).toEqual({ ok: true, address: '10.0.0.5' });
  });
});
