// What only the page can do for an integration test (a webview's pixels, a click inside it): the test asks the
// runner that drives the page (scripts/run-integration.mjs, through scripts/lib/report-view.mjs) and waits for the
// answer. A runner without a page (npm run test:desktop) sets no SMTP_DIAG_PAGE_REPLIES: such tests are skipped.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { waitFor } from './waitFor';

const replies = process.env.SMTP_DIAG_PAGE_REPLIES;
let requests = 0;

/** Skips the running test (from `this` of a mocha function) when no runner drives the page. */
export function needsPage(context: Mocha.Context): void {
  if (!replies) context.skip();
}

/** Asks the page runner for `action` with `args`; resolves with its result, rejects with its error. */
export async function askPage<T>(action: string, args: Record<string, unknown>, timeoutMs = 60_000): Promise<T> {
  if (!replies) throw new Error('no runner drives the page (SMTP_DIAG_PAGE_REPLIES is not set)');
  const id = `${process.pid}-${++requests}`;
  // The extension host's console reaches the runner: this line is the request.
  console.log(`integration-page-request ${JSON.stringify({ ...args, id, action })}`);
  const file = path.join(replies, `${id}.json`);
  await waitFor(() => (fs.existsSync(file) ? true : undefined), `the page runner's answer to ${action}`, timeoutMs);
  const reply = JSON.parse(fs.readFileSync(file, 'utf8')) as { result?: T; error?: string };
  fs.rmSync(file, { force: true });
  if (reply.error !== undefined) throw new Error(`page runner: ${reply.error}`);
  return reply.result as T;
}
