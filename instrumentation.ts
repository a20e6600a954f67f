/**
 * Runs once when a server process starts. The Node-only work lives in its own
 * module so that Next's edge compilation of this file never sees it.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { validateConfigurationAtStart, startBackgroundWork } = await import('./instrumentation-node');
    validateConfigurationAtStart();
    await startBackgroundWork();
  }
}
