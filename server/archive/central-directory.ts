import 'server-only';
import { AppError } from '@/lib/errors';

// The zip's central directory: the one place that holds each entry's external attributes (Unix mode,
// so symlinks show) — fflate's streaming Unzip reads local headers only, which lack them, hence this
// small reader. Only what the import checks is read: names, flags, the host and the mode.

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const UNIX_HOST = 3;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

export interface CentralEntry {
  name: string;
  symlink: boolean;
}

const bad = (detail: string) => new AppError('bad_request:archive', detail);

/** Names as fflate decodes them: UTF-8 when the entry's flag bit 11 says so, else one byte per character. */
function decodeName(bytes: Uint8Array, utf8: boolean): string {
  return utf8 ? new TextDecoder().decode(bytes) : String.fromCharCode(...bytes);
}

export function readCentralDirectory(zip: Uint8Array, maxEntries: number): Map<string, CentralEntry> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === EOCD) {
      end = i;
      break;
    }
  }
  if (end < 0) throw bad('This is not a zip archive (no central directory).');
  const count = view.getUint16(end + 10, true);
  const offset = view.getUint32(end + 16, true);
  if (count === 0xffff || offset === 0xffffffff) throw bad('ZIP64 archives are not supported.');
  if (count > maxEntries) throw new AppError('too_large:archive', `The archive has ${count} entries; a project may hold at most ${maxEntries} files.`);
  const entries = new Map<string, CentralEntry>();
  let at = offset;
  for (let n = 0; n < count; n++) {
    if (at + 46 > zip.length || view.getUint32(at, true) !== CENTRAL) throw bad('The archive is damaged (its central directory is cut short).');
    const host = view.getUint8(at + 5);
    const flags = view.getUint16(at + 8, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const mode = view.getUint32(at + 38, true) >>> 16;
    if (at + 46 + nameLength > zip.length) throw bad('The archive is damaged (a name runs past its end).');
    const name = decodeName(zip.subarray(at + 46, at + 46 + nameLength), (flags & 0x800) !== 0);
    if (entries.has(name)) throw bad(`The archive holds "${name}" twice.`);
    entries.set(name, { name, symlink: host === UNIX_HOST && (mode & S_IFMT) === S_IFLNK });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
