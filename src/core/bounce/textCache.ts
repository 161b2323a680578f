// One kind of cache for texts read from the input: the classifier's verdicts by reply, the record store's shared
// texts, the report's patterns. Each is bounded by texts and characters whatever the input, and emptied when full.
import { detach } from './detach';
import { RecentTexts } from './hash';

export interface TextCacheLimits {
  /** Texts kept before the cache starts afresh, and characters of them in all. */
  readonly texts: number;
  readonly chars: number;
  /** When given, a text is kept only from its second time on, as far as RecentTexts of this many slots remember. */
  readonly recentSlots?: number;
}

/**
 * Values by a short key (codes, a stage; '' for none) and a text. The two are not joined into one string: a joined
 * key of a long reply was copied whole to be hashed at every lookup, where the reply itself (often a slice of its log
 * line) is hashed in place. Kept from a text's second time on (`recentSlots`): most texts holding an identifier come
 * once (each Gmail reply), and kept, a million of them filled the cache every few thousand events, and the old
 * generation with copies that were garbage soon after; a text met before is likely to come again.
 */
export class TextCache<V> {
  private values = new Map<string, Map<string, V>>();
  private texts = 0;
  private chars = 0;
  private readonly recent: RecentTexts | undefined;

  constructor(private readonly limits: TextCacheLimits) {
    this.recent = limits.recentSlots ? new RecentTexts(limits.recentSlots) : undefined;
  }

  get(text: string, key = ''): V | undefined {
    return this.values.get(key)?.get(text);
  }

  /** Keeps `value` for `text` under `key`; `copy` gives the stored key, a copy that keeps no piece of the input alive. */
  set(text: string, value: V, key = '', copy: (text: string) => string = detach): void {
    if (this.recent && !this.recent.metBefore(text)) return;
    if (this.texts >= this.limits.texts || this.chars + text.length > this.limits.chars) {
      this.values = new Map();
      this.texts = 0;
      this.chars = 0;
    }
    let byText = this.values.get(key);
    if (!byText) this.values.set(key, byText = new Map());
    byText.set(copy(text), value);
    this.texts += 1;
    this.chars += text.length;
  }
}
