/**
 * Runs once when a server process starts: validate the configuration now, so a
 * missing or malformed variable stops the app with a message naming it instead
 * of failing on the first request that needs it.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { env, ConfigError } = await import('./lib/env');
  try {
    env();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
