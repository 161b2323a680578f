// One hash for keys the engine files without keeping them whole: FNV-1a over UTF-16 code units.

/** FNV-1a of a string, as an unsigned 32-bit number. */
export function fnv1a(key: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index++) hash = Math.imul(hash ^ key.charCodeAt(index), 0x01000193);
  return hash >>> 0;
}

/** Hashes of texts met lately, one per slot: whether a text has come before, as far as they remember (a text whose
 * slot another took since is new again; another text of the same hash, rarely, is taken for it). */
export class RecentTexts {
  private readonly hashes: Int32Array;

  /** `slots`: a power of two. */
  constructor(slots: number) {
    this.hashes = new Int32Array(slots);
  }

  /** Whether `text` was met before; notes it as met. */
  metBefore(text: string): boolean {
    // Odd, so no hash is the 0 of an empty slot.
    const hash = fnv1a(text) | 1;
    const slot = hash & (this.hashes.length - 1);
    if (this.hashes[slot] === hash) return true;
    this.hashes[slot] = hash;
    return false;
  }
}
