/**
 * `next start` on a production build (next-build.ts), the one launcher the
 * node tests, the browser-test stack and the benchmarks share, and the
 * configuration a test or benchmark app runs with.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { EMULATOR_SECRET_KEY, EMULATOR_WEBHOOK_SECRET } from './emulator.ts';
import { bin, freePort, ROOT } from './processes.ts';

export type NextServer = {
  url: string;
  /** The last lines the server printed, for failure messages. */
  output(): string;
  pid: number | undefined;
  stop(): Promise<void>;
};

/** Signs the cart cookie of test apps: tests that forge or tamper with cookies sign with it. */
export const TEST_COOKIE_SECRET = 'test-cookie-secret-0123456789abcdef0123456789';

/** Variables to add to a process's environment. */
export type EnvVars = Record<string, string | undefined>;

const running = new Set<ChildProcess>();
// A process that dies must not leave `next start` servers behind (PostgreSQL has its own exit hook).
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * The environment of an app the tests or benchmarks start: the emulator's
 * keys, fixed secrets, and no SDK retries (a test of Stripe failing passes
 * STRIPE_MAX_NETWORK_RETRIES itself in `extra`). Checkout on Stripe's hosted
 * page, which most tests drive; the Embedded Checkout tests pass
 * CHECKOUT_UI=embedded (the shop's own default) in `extra`.
 */
export function testAppEnv(options: {
  databaseUrl: string;
  stripeApiBase: string;
  extra?: EnvVars;
}): EnvVars {
  return {
    DATABASE_URL: options.databaseUrl,
    STRIPE_SECRET_KEY: EMULATOR_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET: EMULATOR_WEBHOOK_SECRET,
    STRIPE_API_BASE: options.stripeApiBase,
    STRIPE_MAX_NETWORK_RETRIES: '0',
    CHECKOUT_UI: 'hosted',
    COOKIE_SECRET: TEST_COOKIE_SECRET,
    BETTER_AUTH_SECRET: 'test-auth-secret-0123456789abcdef0123456789ab',
    EVIDENCE_SECRET: 'test-evidence-secret-0123456789abcdef01234567',
    ...options.extra,
  };
}

/**
 * Starts `next start` on `distDir` and resolves once /api/health answers 200.
 * `env` is added to this process's environment (APP_URL defaults to the
 * server's own address), but for the test runner's NODE_OPTIONS (react-server,
 * tsx), which must not reach Next.
 */
export async function startNextServer(options: {
  distDir: string;
  env: EnvVars;
  /** A fixed port (the browser-test stack's); a free one otherwise. */
  port?: number;
  name?: string;
  /** Print the server's output as it comes, besides keeping it for output(). */
  echo?: boolean;
  /** Inherit nothing of this process's environment but PATH and HOME: `env` is the whole configuration. */
  isolated?: boolean;
  /** Profile the server (node --cpu-prof) into this directory. */
  cpuProfileDir?: string;
}): Promise<NextServer> {
  const name = options.name ?? 'next';
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...(options.isolated ? { PATH: process.env.PATH, HOME: process.env.HOME } : process.env),
    APP_URL: url,
    ...options.env,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    NEXT_DIST_DIR: options.distDir,
  };
  delete env.NODE_OPTIONS;
  const args = ['start', '--port', String(port), '--hostname', '127.0.0.1'];
  // --cpu-prof is refused in NODE_OPTIONS: Next's CLI runs under node with the flag instead.
  const [command, commandArgs] = options.cpuProfileDir
    ? [
        process.execPath,
        [
          '--cpu-prof',
          `--cpu-prof-dir=${options.cpuProfileDir}`,
          path.join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next'),
          ...args,
        ],
      ]
    : [bin('next'), args];
  const child = spawn(command, commandArgs, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  const keep = (stream: NodeJS.WriteStream) => (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-30_000);
    if (options.echo) stream.write(chunk);
  };
  child.stdout.on('data', keep(process.stdout));
  child.stderr.on('data', keep(process.stderr));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  void exited.then(() => running.delete(child));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(
        `${name} exited (${child.exitCode ?? child.signalCode}) before it answered:\n${output}`,
      );
    const healthy = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} did not answer ${url}/api/health within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, output: () => output, pid: child.pid, stop };
}
