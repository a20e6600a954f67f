// A second `next start` of the build the test stack serves, with its own configuration: for what only shows under
// another configuration (an https APP_URL, real Stripe) without building again or disturbing the shared stack.
import { createServer } from 'node:net';
import { bin, start, stop, waitForHttp } from '../../scripts/processes.ts';

export type NextInstance = { url: string; output: () => string; stop: () => Promise<void> };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** `env` is the whole configuration (nothing of this process's is inherited but PATH and the build directory). */
export async function startNextInstance(env: Record<string, string>): Promise<NextInstance> {
  const port = await freePort();
  const child = start('next', bin('next'), ['start', '--port', String(port), '--hostname', '127.0.0.1'], {
    env: {
      PATH: process.env.PATH,
      NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? '.next',
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-20_000));
  child.process.stdout?.on('data', keep);
  child.process.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/api/health`, { timeoutMs: 60_000, child });
  } catch (error) {
    await stop(child);
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return { url, output: () => output, stop: () => stop(child) };
}
