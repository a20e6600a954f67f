/**
 * `npm test`: every check the project has, in order of cost: types, lint,
 * node tests (unit and integration, against real PostgreSQL and the emulator),
 * then browser tests. Prints one closing line `N passed, N failed`.
 * Pass names of stages to run only those: `npm test -- node browser`.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { bin, ROOT } from './processes.ts';

type Outcome = { passed: number; failed: number; skipped: number };
type Stage = { name: string; run: () => Promise<Outcome> };

const RESULTS = path.join(ROOT, '.data', 'test-results');

function exec(command: string, args: string[], env: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** A check that passes or fails as a whole counts as one test. */
const whole = (code: number): Outcome =>
  code === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0 };

function findTests(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'support' ? [] : findTests(full);
    return name.endsWith('.test.ts') ? [path.relative(ROOT, full)] : [];
  });
}

const stages: Stage[] = [
  { name: 'types', run: async () => whole(await exec(bin('tsc'), ['--noEmit'])) },
  {
    name: 'lint',
    run: async () => {
      const format = await exec(bin('prettier'), ['--check', '.', '--log-level=warn']);
      const lint = await exec(bin('eslint'), ['.', '--max-warnings=0']);
      return whole(format || lint);
    },
  },
  {
    name: 'node',
    run: async () => {
      const files = findTests(path.join(ROOT, 'test')).sort();
      const tap = path.join(RESULTS, 'node.tap');
      rmSync(tap, { force: true });
      // react-server: lib/ modules import 'server-only', which only resolves under that condition.
      const code = await exec(process.execPath, [
        '--conditions=react-server',
        '--import',
        'tsx',
        '--test',
        '--test-concurrency=2',
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
        '--test-reporter=tap',
        `--test-reporter-destination=${tap}`,
        ...files,
      ]);
      const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
      const count = (key: string) => Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
      const outcome = {
        passed: count('pass'),
        failed: count('fail') + count('cancelled'),
        skipped: count('skipped') + count('todo'),
      };
      // A crash before any test reported is still a failure.
      if (code !== 0 && outcome.failed === 0) outcome.failed = 1;
      return outcome;
    },
  },
  {
    name: 'browser',
    run: async () => {
      const report = path.join(RESULTS, 'playwright-browser-stage.json');
      rmSync(report, { force: true }); // never count an earlier run's results
      const code = await exec(bin('playwright'), ['test'], { PLAYWRIGHT_JSON_OUTPUT: report });
      const stats = existsSync(report)
        ? (
            JSON.parse(readFileSync(report, 'utf8')) as {
              stats?: { expected?: number; unexpected?: number; flaky?: number; skipped?: number };
            }
          ).stats
        : undefined;
      const outcome = {
        passed: (stats?.expected ?? 0) + (stats?.flaky ?? 0),
        failed: stats?.unexpected ?? 0,
        skipped: stats?.skipped ?? 0,
      };
      if (code !== 0 && outcome.failed === 0) outcome.failed = 1;
      return outcome;
    },
  },
];

async function main(): Promise<void> {
  await mkdir(RESULTS, { recursive: true });
  const only = process.argv.slice(2);
  const total: Outcome = { passed: 0, failed: 0, skipped: 0 };
  const lines: string[] = [];
  for (const stage of stages) {
    if (only.length > 0 && !only.includes(stage.name)) continue;
    const startedAt = Date.now();
    console.log(`\n=== ${stage.name} ===`);
    const outcome = await stage.run();
    total.passed += outcome.passed;
    total.failed += outcome.failed;
    total.skipped += outcome.skipped;
    lines.push(
      `${stage.name.padEnd(8)} ${String(outcome.passed).padStart(4)} passed ${String(outcome.failed).padStart(3)} failed ` +
        `${String(outcome.skipped).padStart(3)} skipped  ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
    );
  }
  console.log(`\n${lines.join('\n')}\n`);
  console.log(
    `${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`,
  );
  process.exit(total.failed === 0 && total.passed > 0 ? 0 : 1);
}

void main();
