// What one request costs the server: the CPU time `next start` spends per request (read from
// /proc/<pid>/stat around sequential requests) on a route handler, the session summary, a
// signed-in page, and server actions sent as React's fetch and as a plain form post. These
// are the figures behind npm test's budget: the fuzz suites send about 33,000 such requests.
// Runs on the fuzz suites' own stack (test/fuzz/support). Prints figures only; Linux only.
//   node --conditions=react-server --import tsx bench/request-cost.ts [--requests 400]
import { parseArgs } from 'node:util';
import { processCpuSeconds } from '../stack/processes.ts';
import { fx, setUp, tearDown } from '../test/fuzz/support/fixtures.ts';
import { callAction, postForm, type Reply } from '../test/fuzz/support/http.ts';
import { formatNumber, report, type BenchRow } from './support/report.ts';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '400' } } });
const REQUESTS = Number(values.requests);

async function measure(name: string, send: () => Promise<Reply>): Promise<BenchRow> {
  const pid = fx.stack.serverPid;
  // Warm: the route's modules loaded and its code compiled before the clock starts.
  for (let index = 0; index < 20; index += 1) await send();
  const cpuBefore = processCpuSeconds(pid);
  const startedAt = performance.now();
  const statuses = new Set<number>();
  for (let index = 0; index < REQUESTS; index += 1) statuses.add((await send()).status);
  const cpu = ((processCpuSeconds(pid) - cpuBefore) * 1000) / REQUESTS;
  const wall = (performance.now() - startedAt) / REQUESTS;
  return {
    name,
    value: `${formatNumber(cpu, 1)} ms CPU`,
    ratio: '',
    aim: '',
    detail: `${formatNumber(wall, 1)} ms wall each; ${REQUESTS} requests, answered ${[...statuses].join(', ')}`,
  };
}

await setUp();
try {
  const rows: BenchRow[] = [
    await measure('GET /api/health', () => fx.visitors.anonymous.request('/api/health')),
    await measure('GET /api/session-summary, signed in', () =>
      fx.visitors.customer.clone().request('/api/session-summary'),
    ),
    await measure('GET /account, signed in', () => fx.visitors.customer.clone().request('/account')),
  ];
  for (const name of ['sign in', 'save Amazon Pay', 'revoke']) {
    const target = fx.targets.get(name);
    if (!target) throw new Error(`no action ${name}`);
    const junk: Array<[string, string]> = [['unexpected', 'field']];
    rows.push(
      await measure(`action "${name}", fetch`, () =>
        callAction(target.visitor.clone(), target.path, target.form.actionId!, {
          args: '[{},"$K1"]',
          fields: junk,
        }),
      ),
      await measure(`action "${name}", form post`, () =>
        postForm(target.visitor.clone(), target.path, target.form, junk),
      ),
    );
  }
  report('What one request costs the server (next start)', rows);
} finally {
  await tearDown();
}
