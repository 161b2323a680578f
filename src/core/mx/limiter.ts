// How many sockets the MX engine has open at once: every DNS exchange and SMTP probe holds one slot of a Limiter
// while its socket is open, so a domain with hundreds of MX hosts (or a batch of many domains) cannot open hundreds.

/** Default for the most sockets open at once (setting smtpDiagnostics.dns.concurrency, option --concurrency). */
export const DEFAULT_CONCURRENCY = 16;
export const MAX_CONCURRENCY = 256;

/** Runs tasks with at most `limit` running at once, the others waiting in order. */
export class Limiter {
  private readonly limit: number;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(limit: number) {
    this.limit = Math.max(1, Math.floor(limit) || 1);
  }

  /** Runs `task` when a slot is free; if `signal` aborts first, rejects with its reason without running it. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.running < this.limit) {
      this.running += 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      // A waiter whose lookup ran out of time leaves the queue at once, so its deadline holds.
      const onAbort = () => {
        this.waiting.splice(this.waiting.indexOf(grant), 1);
        reject(signal?.reason);
      };
      this.waiting.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next waiter, so `running` stays as it is.
    if (next) next();
    else this.running -= 1;
  }
}

/** Runs `task` on every item with at most `limit` running; items not started when `signal` aborts are skipped. */
export function mapWithLimit<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>, signal?: AbortSignal): Promise<(R | undefined)[]> {
  const limiter = new Limiter(limit);
  return Promise.all(items.map((item) => limiter.run(async () => (signal?.aborted ? undefined : task(item)))));
}
