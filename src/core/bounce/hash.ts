// One hash for keys the engine files without keeping them whole: FNV-1a over UTF-16 code units.

/** FNV-1a of a string, as an unsigned 32-bit number. */
export function fnv1a(key: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index++) hash = Math.imul(hash ^ key.charCodeAt(index), 0x01000193);
  return hash >>> 0;
}
