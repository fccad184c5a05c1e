// Shaping what tools send back: bounded, plain text.

const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/** Terminal colour and cursor codes removed, carriage-return progress bars collapsed to their last state. */
export function plainText(text: string): string {
  return text
    .replace(ANSI, '')
    .split('\n')
    .map((line) => {
      const parts = line.replace(/\r+$/, '').split('\r');
      return parts[parts.length - 1] ?? '';
    })
    .join('\n');
}

/** The first and last `keep` characters with a marker saying how much was left out. */
export function headTail(text: string, keep: number): string {
  if (text.length <= keep * 2) return text;
  const omitted = text.length - keep * 2;
  const bytes = new TextEncoder().encode(text.slice(keep, text.length - keep)).byteLength;
  return `${text.slice(0, keep)}\n… ${bytes} bytes omitted (${omitted} characters) …\n${text.slice(text.length - keep)}`;
}

/**
 * Keeps the head and a rolling tail of a stream without holding all of it: long builds and test
 * runs can print megabytes.
 */
export class OutputCollector {
  #head = '';
  #tail = '';
  #dropped = 0;
  #total = 0;
  constructor(private readonly keep: number) {}

  push(chunk: string): void {
    this.#total += chunk.length;
    if (this.#head.length < this.keep) {
      const room = this.keep - this.#head.length;
      this.#head += chunk.slice(0, room);
      chunk = chunk.slice(room);
    }
    if (!chunk) return;
    this.#tail += chunk;
    if (this.#tail.length > this.keep * 2) {
      const cut = this.#tail.length - this.keep;
      this.#dropped += new TextEncoder().encode(this.#tail.slice(0, cut)).byteLength;
      this.#tail = this.#tail.slice(cut);
    }
  }

  get totalChars(): number {
    return this.#total;
  }

  text(): string {
    const tail = this.#tail.length > this.keep ? this.#tail.slice(this.#tail.length - this.keep) : this.#tail;
    const dropped = this.#dropped + (this.#tail.length > this.keep ? new TextEncoder().encode(this.#tail.slice(0, this.#tail.length - this.keep)).byteLength : 0);
    return dropped > 0 ? `${this.#head}\n… ${dropped} bytes omitted …\n${tail}` : this.#head + tail;
  }
}

/** Lines numbered like `  12 | text`, as read_file returns them. */
export function numberLines(lines: string[], first: number): string {
  const width = String(first + lines.length - 1).length;
  return lines.map((line, i) => `${String(first + i).padStart(width)} | ${line}`).join('\n');
}
