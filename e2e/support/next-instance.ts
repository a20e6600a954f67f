// A second `next start` of the build the test stack serves, with its own configuration: for what only shows under
// another configuration (an https APP_URL, real Stripe) without building again or disturbing the shared stack.
import { startNextServer, type NextServer } from '../../stack/next-server.ts';
import { stackInfo } from './stack.ts';

export type NextInstance = NextServer;

/** `env` is the whole configuration (nothing of this process's is inherited but PATH and HOME). */
export function startNextInstance(env: Record<string, string | undefined>): Promise<NextInstance> {
  return startNextServer({ distDir: stackInfo().distDir, env, isolated: true, name: 'second instance' });
}
