// `npm run bench`: every benchmark, one after the other on this machine, then
// one table of ratios measured in the same run, also written to
// bench/RESULTS.md with a description of the machine. Figures only: nothing
// here passes or fails. Pass --quick for a short run (smaller sizes).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RESULT_PREFIX, type BenchRow } from './support/report.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');

/** Each benchmark as a command; lib/ code needs the react-server condition ('server-only'). */
const BENCHES: Array<{ title: string; args: string[] }> = [
  {
    title: 'catalog pages and first-load JS',
    args: ['--import', 'tsx', 'bench/pages.ts', ...(quick ? ['--seconds', '4'] : [])],
  },
  {
    title: 'webhook ingestion',
    args: [
      '--conditions=react-server',
      '--import',
      'tsx',
      'bench/webhooks.ts',
      ...(quick ? ['--events', '400'] : []),
    ],
  },
  {
    title: 'checkout action',
    args: [
      '--conditions=react-server',
      '--import',
      'tsx',
      'bench/checkout-action.ts',
      ...(quick ? ['--checkouts', '100'] : []),
    ],
  },
  {
    title: 'admin queries',
    args: [
      '--expose-gc',
      '--conditions=react-server',
      '--import',
      'tsx',
      'bench/admin.ts',
      ...(quick ? ['--large', '100000', '--runs', '20'] : []),
    ],
  },
  { title: 'emulator session creates', args: ['--import', 'tsx', 'bench/emulator-sessions.ts'] },
  {
    title: 'email outbox',
    args: [
      '--conditions=react-server',
      '--import',
      'tsx',
      'bench/email-outbox.ts',
      ...(quick ? ['--rows', '100'] : []),
    ],
  },
];

function runBench(args: string[]): Promise<{ code: number; rows: BenchRow[] }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    });
    let rows: BenchRow[] = [];
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      buffer += chunk.toString();
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (line.startsWith(RESULT_PREFIX))
          rows = rows.concat(JSON.parse(line.slice(RESULT_PREFIX.length)) as BenchRow[]);
      }
    });
    child.on('exit', (code) => resolve({ code: code ?? 1, rows }));
  });
}

function markdownTable(rows: BenchRow[]): string {
  const escape = (text: string) => text.replaceAll('|', '\\|');
  return [
    '| benchmark | figure | ratio (same run) | aim |',
    '|---|---|---|---|',
    ...rows.map(
      (row) => `| ${escape(row.name)} | ${escape(row.value)} | ${escape(row.ratio)} | ${escape(row.aim)} |`,
    ),
  ].join('\n');
}

const started = Date.now();
const all: BenchRow[] = [];
const failures: string[] = [];
for (const bench of BENCHES) {
  console.log(`\n=== ${bench.title} ===`);
  const { code, rows } = await runBench(bench.args);
  if (code !== 0 || rows.length === 0) failures.push(`${bench.title} (exit ${code})`);
  all.push(...rows);
}

const cpus = os.cpus();
const machine = `${cpus[0]?.model ?? 'unknown CPU'} × ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}`;
const table = markdownTable(all);
console.log(`\n${table}\n\nmachine: ${machine}`);
if (failures.length) console.log(`did not report: ${failures.join(', ')}`);
writeFileSync(
  path.join(ROOT, 'bench', 'RESULTS.md'),
  `# Benchmark results\n\nThe latest \`npm run bench${quick ? ' -- --quick' : ''}\`, ${new Date().toISOString()}, ${((Date.now() - started) / 60000).toFixed(1)} minutes.\n\nMachine: ${machine}; load average at the end ${os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')}.\n\n${table}\n${failures.length ? `\nDid not report: ${failures.join(', ')}.\n` : ''}`,
);
console.log('Written to bench/RESULTS.md');
