// The harness's side of the engine process (fuzz-runner.mjs). Cases are queued: a few are handed to the process
// ahead, so the harness generates the next cases while the engine runs (the process runs them one at a time). Each
// case is watched from outside, since a regular expression that backtracks for minutes cannot be interrupted from
// inside: a case that runs past `killAfterMs`, or during which the process grows past `killAboveMb`, is killed, and
// the cases queued behind it go to a fresh process. So do they after a case that left the process over
// `recycleAboveMb` (V8 keeps the pages it grew to), so that each case's peak RSS is its own.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';

const POLL_MS = 50;
const STDERR_KEPT = 4096;
/** Cases handed to the process ahead of the one it runs. */
const AHEAD = 3;

function rssOf(pid) {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
  } catch {
    return 0;
  }
}

export class EngineProcess {
  #bundle;
  #limits;
  #child;
  #starting;
  #stderr = '';
  #nextId = 1;
  /** Submitted, not yet sent; and sent, not yet answered (the first is running). */
  #waiting = [];
  #sent = [];
  #timer;
  #poll;
  #peakMb = 0;
  /** Processes started: the first, and one after each kill, crash or case that left it big. */
  starts = 0;
  /** Cases answered by the current process. */
  casesInProcess = 0;

  /** `limits`: heapLimitMb, recycleAboveMb, killAfterMs, killAboveMb. */
  constructor(bundle, limits) {
    this.#bundle = bundle;
    this.#limits = limits;
  }

  /** Cases submitted and not answered yet. */
  get outstanding() {
    return this.#waiting.length + this.#sent.length;
  }

  /** Runs a case; resolves with its figures, `error` when it threw, `killed` ('time' | 'memory') or `exited`. */
  submit(payload, { profile = false, killAfterMs = this.#limits.killAfterMs } = {}) {
    return new Promise((resolve) => {
      this.#waiting.push({ id: this.#nextId++, payload, profile, killAfterMs, resolve });
      this.#pump();
    });
  }

  async #started() {
    if (this.#child) return;
    this.#starting ??= this.#start().finally(() => { this.#starting = undefined; });
    await this.#starting;
  }

  async #pump() {
    // A process is started only for work: one started after stop() would keep the harness from exiting.
    if (this.#waiting.length === 0) return;
    await this.#started();
    while (this.#child && this.#sent.length <= AHEAD && this.#waiting.length > 0) {
      const job = this.#waiting.shift();
      this.#sent.push(job);
      this.#child.send({ id: job.id, payload: job.payload, profile: job.profile });
      if (this.#sent.length === 1) this.#watch();
    }
  }

  async #start() {
    const child = fork(this.#bundle, [], {
      serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      execArgv: ['--expose-gc', `--max-old-space-size=${this.#limits.heapLimitMb}`],
    });
    this.#stderr = '';
    child.stderr.on('data', (data) => { this.#stderr = (this.#stderr + data).slice(-STDERR_KEPT); });
    await new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`engine process exited (${code}) before it was ready: ${this.#stderr}`)));
    });
    child.removeAllListeners('exit');
    child.on('message', (message) => this.#answered(child, message));
    child.on('exit', (code, signal) => this.#exited(child, code, signal));
    this.#child = child;
    this.starts++;
    this.casesInProcess = 0;
  }

  /** Starts the clock of the case the process runs now: the first one sent and not answered. */
  #watch() {
    clearTimeout(this.#timer);
    clearInterval(this.#poll);
    const job = this.#sent[0];
    if (!job) return;
    job.started = performance.now();
    this.#peakMb = 0;
    const child = this.#child;
    this.#timer = setTimeout(() => this.#kill('time'), job.killAfterMs);
    this.#poll = setInterval(() => {
      this.#peakMb = Math.max(this.#peakMb, rssOf(child.pid));
      if (this.#peakMb > this.#limits.killAboveMb) this.#kill('memory');
    }, POLL_MS);
  }

  #answered(child, message) {
    if (child !== this.#child || message.id !== this.#sent[0]?.id) return;
    const job = this.#sent.shift();
    this.casesInProcess++;
    if (message.rssMb > this.#limits.recycleAboveMb) this.#replace();
    else this.#watch();
    job.resolve(message);
    this.#pump();
  }

  /** Drops the process; the cases sent to it and not answered go first to the next one. */
  #replace() {
    clearTimeout(this.#timer);
    clearInterval(this.#poll);
    const child = this.#child;
    this.#child = undefined;
    child?.kill('SIGKILL');
    this.#waiting.unshift(...this.#sent);
    this.#sent = [];
  }

  #kill(why) {
    const job = this.#sent.shift();
    const peakMb = Math.max(this.#peakMb, rssOf(this.#child.pid));
    this.#replace();
    job.resolve({ killed: why, ms: performance.now() - job.started, peakMb });
    this.#pump();
  }

  #exited(child, code, signal) {
    if (child !== this.#child) return;
    const job = this.#sent.shift();
    this.#replace();
    const why = this.#stderr.trim().split('\n').slice(-6).join(' | ');
    job?.resolve({ exited: `engine process exited (${signal ?? code}): ${why}`, ms: performance.now() - job.started, peakMb: this.#peakMb });
    this.#pump();
  }

  /** Heap in use after a full collection: what cases left behind. Call with no case outstanding. */
  async heapAfterGcMb() {
    await this.#started();
    const child = this.#child;
    const id = this.#nextId++;
    return new Promise((resolve) => {
      const onMessage = (message) => { if (message.id === id) { child.off('message', onMessage); resolve(message.heapMb); } };
      child.on('message', onMessage);
      child.send({ id, gc: true });
    });
  }

  stop() {
    this.#replace();
  }
}
