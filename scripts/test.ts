/**
 * `npm test`: every check the project has. Types, lint and the production
 * build run side by side first; then the node tests (unit and integration,
 * against real PostgreSQL and the emulator) beside the browser tests. One
 * PostgreSQL cluster serves the whole run: its template databases are
 * cloned for each test file (stack/database.ts), and one production build
 * serves every `next start` (stack/next-build.ts). Stages that run side by
 * side print their output when they end. Prints each stage's time and one
 * closing line `N passed, N failed`.
 * Pass names of stages to run only those: `npm test -- node browser`.
 * TEST_CONCURRENCY=1 runs the node test files one at a time (each file's
 * time alone, to see where the run's time goes); 2 by default.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { prepareTemplates, SHARED_POSTGRES_ENV } from '../stack/database.ts';
import { ensureProductionBuild } from '../stack/next-build.ts';
import { startThrowawayPostgres } from '../stack/postgres.ts';
import { bin, ROOT } from '../stack/processes.ts';

type Outcome = { passed: number; failed: number; skipped: number; failures?: string[] };
type Stage = { name: string; run: (log: Log) => Promise<Outcome> };
/** Where a stage's output goes: its log file, printed whole when the stage ends. */
type Log = { write(chunk: string | Buffer): void };

const RESULTS = path.join(ROOT, '.data', 'test-results');
/** Test files live under test/ and beside the tools they test. */
const TEST_DIRS = ['test', 'tools'];
/**
 * The longest test files (a minute or more each), started first: a long file
 * started last would hold up the end of the stage while the other slot idles.
 */
const LONGEST_FIRST = [
  'test/fuzz/shop-actions.test.ts',
  'test/fuzz/actions.test.ts',
  'test/fuzz/routes.test.ts',
  'test/resilience/',
  'tools/prisma-schema-engine/',
];

const rank = (file: string) => {
  const index = LONGEST_FIRST.findIndex((prefix) => file.startsWith(prefix));
  return index === -1 ? LONGEST_FIRST.length : index;
};

function exec(log: Log, command: string, args: string[], env: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env, FORCE_COLOR: '0' },
    });
    child.stdout.on('data', (chunk: Buffer) => log.write(chunk));
    child.stderr.on('data', (chunk: Buffer) => log.write(chunk));
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

const build: Stage = {
  name: 'build',
  run: async (log) => {
    try {
      await ensureProductionBuild((line) => log.write(`${line}\n`));
      return whole(0);
    } catch (error) {
      log.write(`${error instanceof Error ? error.message : String(error)}\n`);
      return whole(1);
    }
  },
};

const checks: Stage[] = [
  { name: 'types', run: async (log) => whole(await exec(log, bin('tsc'), ['--noEmit'])) },
  {
    name: 'lint',
    run: async (log) => {
      const format = await exec(log, bin('prettier'), ['--check', '.', '--log-level=warn']);
      const lint = await exec(log, bin('eslint'), ['.', '--max-warnings=0']);
      return whole(format || lint);
    },
  },
];

const tests: Stage[] = [
  {
    name: 'node',
    run: async (log) => {
      const files = TEST_DIRS.flatMap((dir) => findTests(path.join(ROOT, dir)))
        .sort()
        .sort((a, b) => rank(a) - rank(b));
      const tap = path.join(RESULTS, 'node.tap');
      rmSync(tap, { force: true });
      // react-server: lib/ modules import 'server-only', which only resolves under that condition.
      const code = await exec(log, process.execPath, [
        '--conditions=react-server',
        '--import',
        'tsx',
        '--test',
        `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`,
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
        failures: tapFailures(text),
      };
      // A crash before any test reported is still a failure.
      if (code !== 0 && outcome.failed === 0) outcome.failed = 1;
      return outcome;
    },
  },
  {
    name: 'browser',
    run: async (log) => {
      const report = path.join(RESULTS, 'playwright-browser-stage.json');
      rmSync(report, { force: true }); // never count an earlier run's results
      const code = await exec(log, bin('playwright'), ['test'], { PLAYWRIGHT_JSON_OUTPUT: report });
      const json = existsSync(report) ? (JSON.parse(readFileSync(report, 'utf8')) as PlaywrightReport) : null;
      const stats = json?.stats;
      const outcome = {
        passed: (stats?.expected ?? 0) + (stats?.flaky ?? 0),
        failed: stats?.unexpected ?? 0,
        skipped: stats?.skipped ?? 0,
        failures: json ? playwrightFailures(json.suites ?? []) : [],
      };
      if (code !== 0 && outcome.failed === 0) outcome.failed = 1;
      return outcome;
    },
  },
];

/**
 * The names of failed tests in a TAP report, innermost first and with their file: what
 * the closing summary lists, so a failure shows even where only the end of the output does.
 */
function tapFailures(tap: string): string[] {
  const failures: string[] = [];
  // TAP lists a test's subtests before it: a failure less indented than the one before is its parent.
  let previousIndent = -1;
  for (const match of tap.matchAll(/^( *)not ok \d+ - (.*)$/gm)) {
    const indent = match[1]!.length;
    const parent = indent < previousIndent;
    previousIndent = indent === 0 ? -1 : indent;
    if (parent) continue;
    const name = match[2]!.replace(/ # .*$/, '');
    const block = yamlBlock(tap.slice(match.index + match[0].length));
    const location = /location: '(.*?):\d+:\d+'/.exec(block)?.[1];
    const title = location ? `${name} (${path.relative(ROOT, location)})` : name;
    failures.push(withExcerpt(title, /^\s*error: [|>]-?\n((?:\s{4,}.*\n?)*)/m.exec(block)?.[1] ?? ''));
  }
  return failures;
}

/** The YAML block that follows a TAP result line. */
const yamlBlock = (rest: string) => /^\s*---\n([\s\S]*?)\n\s*\.\.\./.exec(rest)?.[1] ?? '';

/** Lines of a failure's error shown under its name: enough to tell a timeout from a wrong value. */
const EXCERPT_LINES = 8;

function withExcerpt(title: string, error: string): string {
  const lines = error
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(0, EXCERPT_LINES);
  return [title, ...lines.map((line) => `    ${line.slice(0, 160)}`)].join('\n');
}

type PlaywrightSuite = {
  title: string;
  file?: string;
  suites?: PlaywrightSuite[];
  specs?: Array<{
    title: string;
    file: string;
    line: number;
    ok: boolean;
    tests?: Array<{ results?: Array<{ errors?: PlaywrightError[] }> }>;
  }>;
};
type PlaywrightError = { message?: string; location?: { file: string; line: number } };
type PlaywrightReport = {
  stats?: { expected?: number; unexpected?: number; flaky?: number; skipped?: number };
  suites?: PlaywrightSuite[];
};

function playwrightFailures(suites: readonly PlaywrightSuite[], trail: string[] = []): string[] {
  return suites.flatMap((suite) => [
    ...(suite.specs ?? [])
      .filter((spec) => !spec.ok)
      .map((spec) => {
        const title = `${[...trail, spec.title].join(' › ')} (e2e/${spec.file}:${spec.line})`;
        const results = spec.tests?.flatMap((test) => test.results ?? []) ?? [];
        const error = results.flatMap((result) => result.errors ?? [])[0];
        const at = error?.location
          ? `at ${path.relative(ROOT, error.location.file)}:${error.location.line}\n`
          : '';
        return withExcerpt(title, at + (error?.message ?? ''));
      }),
    ...playwrightFailures(suite.suites ?? [], suite.file ? trail : [...trail, suite.title]),
  ]);
}

type Result = Outcome & { name: string; seconds: number };

/** Runs a stage with its output in .data/test-results/<stage>.log, then prints that output. */
async function runStage(stage: Stage): Promise<Result> {
  const file = path.join(RESULTS, `${stage.name}.log`);
  const stream = createWriteStream(file);
  const startedAt = Date.now();
  const outcome = await stage.run({ write: (chunk) => stream.write(chunk) });
  await new Promise<void>((resolve) => stream.end(resolve));
  const seconds = (Date.now() - startedAt) / 1000;
  const text = readFileSync(file, 'utf8').trimEnd();
  console.log(`\n=== ${stage.name} (${seconds.toFixed(1)} s) ===${text ? `\n${text}` : ''}`);
  return { name: stage.name, seconds, ...outcome };
}

async function main(): Promise<void> {
  await mkdir(RESULTS, { recursive: true });
  const only = process.argv.slice(2);
  const chosen = (stages: Stage[]) =>
    stages.filter((stage) => only.length === 0 || only.includes(stage.name));
  const startedAt = Date.now();
  const results: Result[] = [];

  const testsToRun = chosen(tests);
  // The run's one PostgreSQL cluster, with the templates test files clone.
  const cluster = testsToRun.length > 0 ? await startThrowawayPostgres({ database: 'postgres' }) : null;
  try {
    if (cluster) {
      await prepareTemplates(cluster.url);
      process.env[SHARED_POSTGRES_ENV] = cluster.url;
    }
    // The build is only worth its time when tests will serve it; they wait for it (a lock) if they start first.
    const building = testsToRun.length > 0 || only.includes('build') ? runStage(build) : null;
    results.push(...(await Promise.all(chosen(checks).map(runStage))));
    results.push(...(await Promise.all(testsToRun.map(runStage))));
    if (building) results.push(await building);
  } finally {
    await cluster?.stop();
  }

  const total = results.reduce(
    (sum, result) => ({
      passed: sum.passed + result.passed,
      failed: sum.failed + result.failed,
      skipped: sum.skipped + result.skipped,
    }),
    { passed: 0, failed: 0, skipped: 0 },
  );
  const lines = results.map(
    (result) =>
      `${result.name.padEnd(8)} ${String(result.passed).padStart(4)} passed ${String(result.failed).padStart(3)} failed ` +
      `${String(result.skipped).padStart(3)} skipped  ${result.seconds.toFixed(1)} s`,
  );
  lines.push(`all stages, side by side: ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  const failures = results.flatMap((result) =>
    (result.failures ?? []).map((failure) => `  ${result.name}: ${failure}`),
  );
  if (failures.length > 0) lines.push('', 'failed:', ...failures);
  console.log(`\n${lines.join('\n')}\n`);
  console.log(
    `${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`,
  );
  process.exit(total.failed === 0 && total.passed > 0 ? 0 : 1);
}

void main();
