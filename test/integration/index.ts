// Entry point of the integration suite, loaded by VS Code's extension host (code-server or desktop).
// Output goes through console.log, which the extension host forwards to the test runner.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import Mocha from 'mocha';

/** A reporter that writes one line per test with console.log, so every host forwards it. */
class ConsoleReporter extends Mocha.reporters.Base {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    runner.on(Mocha.Runner.constants.EVENT_SUITE_BEGIN, (suite: Mocha.Suite) => {
      if (suite.title) console.log(`  ${suite.title}`);
    });
    runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, (test: Mocha.Test) => console.log(`    ✔ ${test.title} (${test.duration ?? 0} ms)`));
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (test: Mocha.Test, error: Error) => {
      console.log(`    ✘ ${test.fullTitle()}\n${String(error.stack ?? error).replace(/^/gm, '        ')}`);
    });
    runner.on(Mocha.Runner.constants.EVENT_TEST_PENDING, (test: Mocha.Test) => console.log(`    - ${test.title} (skipped)`));
  }
}

export async function run(): Promise<void> {
  console.log(`Integration suite in VS Code ${vscode.version} (${vscode.env.appName}, ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'} UI, Node ${process.version})`);
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000, reporter: ConsoleReporter });
  const only = process.env.SMTP_DIAG_TEST_FILTER;
  // The runner opens the workspace twice: trusted for the suite, in restricted mode for *.restricted.test.js.
  const restricted = !vscode.workspace.isTrusted;
  console.log(`Workspace ${restricted ? 'in restricted mode (untrusted)' : 'trusted'}`);
  for (const file of fs.readdirSync(__dirname).sort()) {
    if (file.endsWith('.test.js') && file.endsWith('.restricted.test.js') === restricted && (!only || file.includes(only))) mocha.addFile(path.join(__dirname, file));
  }
  const counts = await new Promise<{ passed: number; failed: number; skipped: number }>((resolve) => {
    const runner = mocha.run(() => resolve({ passed: runner.stats?.passes ?? 0, failed: runner.stats?.failures ?? 0, skipped: runner.stats?.pending ?? 0 }));
  });
  // The runner reads this line to add the integration layer to the total.
  console.log(`integration-result ${JSON.stringify(counts)}`);
  if (counts.failed > 0) throw new Error(`${counts.failed} integration test(s) failed`);
}
