import { describe, expect, it } from 'vitest';
import { zipSync, type Zippable } from 'fflate';
import { ARCHIVE_LIMITS } from '@/server/archive/limits';
import { readZip } from '@/server/archive/read-zip';
import { writeZip } from '@/server/archive/write-zip';

const enc = (s: string) => new TextEncoder().encode(s);
const code = (zip: Uint8Array) => {
  try {
    readZip(zip);
  } catch (error) {
    return { code: (error as { code?: string }).code, message: (error as Error).message };
  }
  return null;
};

/** Bytes that do not compress (a fixed-seed generator, so runs repeat). */
function noise(n: number, seed = 7): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** Overwrites a 32-bit little-endian field in every header of the entry named `name` (local and central). */
function patchSizes(zip: Uint8Array, uncompressed: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  for (let i = 0; i + 4 <= out.length; i++) {
    const sig = view.getUint32(i, true);
    if (sig === 0x04034b50) view.setUint32(i + 22, uncompressed, true);
    if (sig === 0x02014b50) view.setUint32(i + 24, uncompressed, true);
  }
  return out;
}

describe('readZip', () => {
  it('reads text and binary files byte for byte, and strips a single top folder', () => {
    const binary = noise(300_000);
    binary.set([0x89, 0x50, 0x4e, 0x47, 0, 0, 0xff], 0);
    const files = readZip(zipSync({ 'my-app/index.html': enc('<h1>hi</h1>'), 'my-app/img/logo.png': binary, 'my-app/empty/': new Uint8Array() }));
    expect(files.map((f) => f.path).sort()).toEqual(['img/logo.png', 'index.html']);
    expect(Buffer.from(files.find((f) => f.path === 'img/logo.png')!.content).equals(Buffer.from(binary))).toBe(true);
  });

  it.each([
    ['../evil.txt', /outside the project/],
    ['src/../../evil.txt', /outside the project/],
    ['..\\evil.txt', /outside the project/],
    ['/etc/cron.d/evil', /absolute path/],
    ['C:/Windows/evil', /absolute path/],
  ])('refuses the entry %j (zip-slip, absolute path)', (name, message) => {
    expect(code(zipSync({ 'ok.txt': enc('fine'), [name]: enc('evil') }))).toMatchObject({ code: 'bad_request:archive', message: expect.stringMatching(message) });
  });

  it('refuses a symbolic link (Unix mode in the external attributes)', () => {
    const zip = zipSync({ 'ok.txt': enc('fine'), link: [enc('/etc/passwd'), { os: 3, attrs: (0o120777 << 16) >>> 0 }] } as Zippable);
    expect(code(zip)).toMatchObject({ code: 'bad_request:archive', message: expect.stringMatching(/symbolic link/) });
    const regular = zipSync({ file: [enc('x'), { os: 3, attrs: (0o100644 << 16) >>> 0 }] } as Zippable);
    expect(readZip(regular).map((f) => f.path)).toEqual(['file']);
  });

  it('refuses an entry whose local name differs from the directory (a name hidden from the checks)', () => {
    const zip = zipSync({ 'aaaa.txt': enc('x') });
    const local = Buffer.from(zip);
    local.write('bbbb', 30, 'latin1'); // the local header's name; the central directory still says aaaa.txt
    expect(code(new Uint8Array(local))).toMatchObject({ code: 'bad_request:archive', message: expect.stringMatching(/not in the archive's directory/) });
  });

  it('refuses a zip bomb by its compression ratio, though every file and the total are within limits', () => {
    const tree: Zippable = {};
    for (let i = 0; i < 20; i++) tree[`zeros${i}.bin`] = new Uint8Array(2 * 1024 * 1024 - 1);
    const zip = zipSync(tree, { level: 9 });
    expect(zip.byteLength).toBeLessThan(100_000);
    expect(code(zip)).toMatchObject({ code: 'too_large:archive', message: expect.stringMatching(/zip bomb/) });
  });

  it('refuses more files than a project may hold', () => {
    const tree: Zippable = {};
    for (let i = 0; i <= ARCHIVE_LIMITS.maxEntries; i++) tree[`f${i}.txt`] = enc(String(i));
    expect(code(zipSync(tree, { level: 0 }))).toMatchObject({ code: 'too_large:archive', message: expect.stringMatching(/at most 5000 files/) });
  });

  it('refuses a file past the size limit even when its headers claim 10 bytes', () => {
    const big = noise(ARCHIVE_LIMITS.maxFileBytes + 1024);
    const lying = patchSizes(zipSync({ 'big.bin': big }), 10);
    expect(code(lying)).toMatchObject({ code: 'too_large:archive', message: expect.stringMatching(/big\.bin" is larger than 2 MiB/) });
  });

  it('refuses an archive that unpacks past the total limit (a smaller limit here, to keep the test quick)', () => {
    const tree: Zippable = {};
    for (let i = 0; i < 5; i++) tree[`part${i}.bin`] = noise(300_000, i + 1);
    const limits = { ...ARCHIVE_LIMITS, maxTotalBytes: 1024 * 1024 };
    expect(() => readZip(zipSync(tree, { level: 0 }), limits)).toThrow(/unpacks to more than 1 MiB/);
    expect(readZip(zipSync(tree, { level: 0 }))).toHaveLength(5);
  });

  it('refuses what is not a zip', () => {
    expect(code(enc('hello, I am not a zip'))).toMatchObject({ code: 'bad_request:archive' });
  });

  it('round-trips with the export, which leaves out dependencies, build output and .gitignore matches', () => {
    const binary = noise(50_000, 3);
    const zip = writeZip([
      { path: '.gitignore', content: enc('secret.env\nlogs/\n') },
      { path: 'src/main.ts', content: enc('console.log(1)') },
      { path: 'assets/photo.jpg', content: binary },
      { path: 'node_modules/x/index.js', content: enc('x') },
      { path: 'dist/bundle.js', content: enc('x') },
      { path: 'secret.env', content: enc('KEY=1') },
      { path: 'logs/a.log', content: enc('x') },
    ]);
    const back = readZip(zip);
    expect(back.map((f) => f.path).sort()).toEqual(['.gitignore', 'assets/photo.jpg', 'src/main.ts']);
    expect(Buffer.from(back.find((f) => f.path === 'assets/photo.jpg')!.content).equals(Buffer.from(binary))).toBe(true);
  });
});
