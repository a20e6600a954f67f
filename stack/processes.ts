/**
 * Child processes for the dev, test and bench scripts: spawn with inherited
 * output, wait for readiness by polling a URL or a condition (never a fixed
 * sleep), stop politely.
 */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);

export type Child = { name: string; process: ChildProcess; exited: Promise<number | null> };

export function start(name: string, command: string, args: string[], options: SpawnOptions = {}): Child {
  const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { name, process: child, exited };
}

/** Runs a command to completion; rejects with its exit code otherwise. */
export async function run(command: string, args: string[], options: SpawnOptions = {}): Promise<void> {
  const child = start(path.basename(command), command, args, options);
  const code = await child.exited;
  if (code !== 0) throw new Error(`${path.basename(command)} ${args.join(' ')} exited with ${code}`);
}

export async function stop(child: Child, timeoutMs = 10_000): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), timeoutMs);
  await child.exited;
  clearTimeout(timer);
}

/** Resolves once `url` answers at all (any HTTP status); rejects if `child` dies first or time runs out. */
export async function waitForHttp(url: string, options: { timeoutMs: number; child?: Child }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let died = false;
  void options.child?.exited.then(() => (died = true));
  for (;;) {
    if (died) throw new Error(`${options.child?.name} exited before ${url} answered`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(2_000), redirect: 'manual' });
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${url}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Polls `check` until it returns a value other than undefined/false; for conditions no event announces. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let clockTicks: number | undefined;

/** Clock ticks per second, the unit of /proc's CPU times: asked of getconf once, when first needed (else 100). */
export function clockTicksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/**
 * A process's parent and CPU times in clock ticks, from /proc/<pid>/stat (Linux only): its own
 * (user + system) and those of its children it has waited for. Throws once the process is gone.
 */
export function readProcStat(pid: number): { ppid: number; ticks: number; childTicks: number } {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // After the command's closing parenthesis: fields[0] is field 3 (state); ppid is 4, utime 14,
  // stime 15, cutime 16, cstime 17.
  const fields = text
    .slice(text.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  return { ppid: fields[1]!, ticks: fields[11]! + fields[12]!, childTicks: fields[13]! + fields[14]! };
}

/** CPU seconds (user + system) a running process has used so far (Linux only). */
export function processCpuSeconds(pid: number): number {
  return readProcStat(pid).ticks / clockTicksPerSecond();
}
