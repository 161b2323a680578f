// Timing a shell command the way the benchmarks do: GNU time, best of a few runs by wall time.
import { spawnSync } from 'node:child_process';

/** One run of a shell command under GNU time: wall seconds, CPU seconds (user + sys, of all threads) and peak RSS of
 * the largest process in MB. `env` is added to the command's environment. */
function runOnce(command, env) {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', 'bash', '-c', `${command} > /dev/null`], { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, ...env } });
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr}`);
  const [wall, user, sys, rssKb] = result.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { seconds: wall, cpu: user + sys, rss: rssKb / 1024 };
}

const better = (best, figures) => (!best || figures.seconds < best.seconds ? figures : best);

/** A shell command timed `runs` times; the best run by wall time. */
export function measure(command, runs = 3, env = {}) {
  let best;
  for (let run = 0; run < runs; run++) best = better(best, runOnce(command, env));
  return best;
}

/**
 * Commands compared with each other, timed in turns (one run of each, then the next round) rather than one after the
 * other: a shared machine that slows down or speeds up during a benchmark then weighs on every command alike. Each
 * entry is { command, runs = 3, env = {} }; returns the best run of each by wall time, in the entries' order.
 */
export function measureInTurns(entries) {
  const best = entries.map(() => undefined);
  const rounds = Math.max(...entries.map(({ runs = 3 }) => runs));
  for (let round = 0; round < rounds; round++) {
    entries.forEach(({ command, runs = 3, env = {} }, index) => {
      if (round < runs) best[index] = better(best[index], runOnce(command, env));
    });
  }
  return best;
}

/** Millions of turns a busy loop makes in one second on this thread: how fast the machine runs at the moment (a
 * shared machine's speed moves by a quarter within minutes), to print beside the figures. */
export function machineSpeed() {
  let turns = 0;
  const start = Date.now();
  while (Date.now() - start < 1000) turns++;
  return turns / 1e6;
}
