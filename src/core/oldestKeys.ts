// Forgetting a Map's oldest keys one at a time. A fresh iterator starts at the map's first slot and V8 keeps deleted
// entries there until it rehashes the map: asking a full map for its first key before every insert walked tens of
// thousands of holes each time.

/** The keys of `map` oldest first, from one iterator kept between calls: it moves past the keys deleted and sees those
 * added since. */
export class OldestKeys<K> {
  private keys: Iterator<K>;

  constructor(private readonly map: Map<K, unknown>) {
    this.keys = map.keys();
  }

  /** The oldest key, which the caller deletes (else the next call gives the one after it); undefined when empty. */
  next(): K | undefined {
    let step = this.keys.next();
    // An iterator that reached the end stays there: keys added after that need a new one.
    if (step.done) {
      this.keys = this.map.keys();
      step = this.keys.next();
    }
    return step.done ? undefined : step.value;
  }
}
