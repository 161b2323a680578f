// Search of one block of bytes at a time (trace/grep.ts): the places of a needle and the count of a byte (the line
// ends before a hit), with the WebAssembly SIMD module of byteSearch.wat. Buffer.indexOf finds an ID of 10 bytes at
// about 2 GB/s and counting line ends with it costs a call per line: together they were most of a trace's time. Where
// WebAssembly cannot run, Buffer's own methods answer the same.
import { BYTE_SEARCH_WASM } from './byteSearchWasm';

/** What is used of WebAssembly (this project's TypeScript libraries do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object) => { readonly exports: unknown };
}
const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

interface ByteSearchExports {
  readonly memory: WasmMemory;
  find(from: number, to: number, needle: number, length: number): number;
  count(from: number, to: number, byte: number): number;
}

const PAGE_BYTES = 1 << 16;

/** The module's instance, once; null when this runtime cannot compile it. One for all searches: making one took 65
 * µs, more than the search of a small file (a trace of a folder of 120,000 one-line logs spent half its time there). */
let instance: ByteSearchExports | null | undefined;

function byteSearchInstance(): ByteSearchExports | undefined {
  if (instance === undefined) {
    try {
      instance = new wasmApi!.Instance(new wasmApi!.Module(Buffer.from(BYTE_SEARCH_WASM, 'base64'))).exports as unknown as ByteSearchExports;
    } catch {
      instance = null;
    }
  }
  return instance ?? undefined;
}

export interface BlockSearchOptions {
  /** Search with Buffer's methods even where WebAssembly runs (tests compare the two). */
  readonly withoutWasm?: boolean;
}

/** Searches the block last given to `use`; offsets are the block's. Searches share the module's memory: each begins
 * with `use`, and runs without a wait in between. */
export class BlockSearch {
  private readonly wasm: ByteSearchExports | undefined;
  /** The module's memory as a Buffer; made anew when the memory grows. */
  private memory: Buffer | undefined;
  private block: Buffer = Buffer.alloc(0);
  /** The needle copied after the block, and where. */
  private placed: Buffer | undefined;
  private placedAt = 0;

  constructor(options: BlockSearchOptions = {}) {
    this.wasm = options.withoutWasm ? undefined : byteSearchInstance();
  }

  /** Whether the search runs in WebAssembly. */
  get simd(): boolean {
    return this.wasm !== undefined;
  }

  /** Makes `block` the bytes searched (copied into the module's memory). */
  use(block: Buffer): void {
    this.block = block;
    this.placed = undefined;
    if (!this.wasm) return;
    this.room(block.length);
    this.memory!.set(block, 0);
  }

  /** Like the block's indexOf(needle, from): the first place of `needle` at or after `from`, or -1. */
  indexOf(needle: Buffer, from: number): number {
    if (!this.wasm || needle.length === 0) return this.block.indexOf(needle, from);
    if (this.placed !== needle) {
      // After the block, 16-byte aligned.
      this.placedAt = (this.block.length + 15) & ~15;
      this.room(this.placedAt + needle.length);
      this.memory!.set(needle, this.placedAt);
      this.placed = needle;
    }
    return this.wasm.find(Math.max(0, from), this.block.length, this.placedAt, needle.length);
  }

  /** How many bytes in [from, to) of the block are `byte`. */
  count(byte: number, from: number, to: number): number {
    if (this.wasm) return from < to ? this.wasm.count(from, to, byte) : 0;
    let count = 0;
    for (let at = this.block.indexOf(byte, from); at >= 0 && at < to; at = this.block.indexOf(byte, at + 1)) count++;
    return count;
  }

  /** Grows the module's memory to hold `bytes` bytes. */
  private room(bytes: number): void {
    const memory = this.wasm!.memory;
    if (memory.buffer.byteLength < bytes) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE_BYTES));
    if (this.memory?.buffer !== memory.buffer) this.memory = Buffer.from(memory.buffer);
  }
}
