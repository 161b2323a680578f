// What the script-based test layers (start, hermetic, package, rendered, hover card) share: ok/FAIL lines and the closing
// "name: N passed, N failed" line that scripts/test.mjs counts, and waiting for a condition.

/** A tally for one layer: `check(ok, text)` prints and counts a check, `finish()` prints the closing line. */
export function checkLayer(name) {
  let passed = 0;
  let failed = 0;
  return {
    check(ok, text) {
      console.log(`${ok ? 'ok  ' : 'FAIL'} ${text}`);
      if (ok) passed += 1;
      else failed += 1;
    },
    finish() {
      console.log(`${name}: ${passed} passed, ${failed} failed`);
      process.exitCode = failed > 0 ? 1 : 0;
    },
  };
}

/** Polls `condition` (sync or async) until it holds or `timeoutMs` passes; says whether it held. */
export async function until(condition, timeoutMs, everyMs = 200) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return false;
}
