// Timing a shell command the way the benchmarks do: GNU time, best of a few runs by wall time.
import { spawnSync } from 'node:child_process';

/**
 * Runs a shell command under GNU time, best of `runs` by wall time; returns wall seconds, CPU seconds (user + sys, of
 * all threads) and peak RSS of the largest process in MB. `env` is added to the command's environment.
 */
export function measure(command, runs = 3, env = {}) {
  let best;
  for (let run = 0; run < runs; run++) {
    const result = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', 'bash', '-c', `${command} > /dev/null`], { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, ...env } });
    if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr}`);
    const [wall, user, sys, rssKb] = result.stderr.trim().split('\n').pop().split(' ').map(Number);
    const figures = { seconds: wall, cpu: user + sys, rss: rssKb / 1024 };
    if (!best || figures.seconds < best.seconds) best = figures;
  }
  return best;
}
