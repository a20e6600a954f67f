import { ConfigError, env } from './lib/platform/env';
/**
 * What each server process does on its own, safe on several instances: retrying detaches at Stripe
 * that failed, sending the email outbox, canceling pay-later orders left unpaid, canceling the boxes of
 * revoked agreements at Stripe, and finding or making the monthly box's prices. Imported only now, after the configuration is valid:
 * their modules read it when loaded.
 */
export async function startBackgroundWork(): Promise<void> {
  const { startDetachSweep } = await import('./lib/mandates/detach');
  const { startEmailWorker } = await import('./lib/email/worker');
  const { startPayLaterSweep } = await import('./lib/orders/pay-later');
  const { startBoxCancelSweep } = await import('./lib/billing/cancel');
  const { ensureBoxPricesAtStart } = await import('./lib/billing/plan');
  startDetachSweep();
  startEmailWorker();
  startPayLaterSweep();
  startBoxCancelSweep();
  ensureBoxPricesAtStart();
}

/**
 * Validate the configuration now, so a missing or malformed variable stops the
 * server with a message naming it instead of failing the first request.
 */
export function validateConfigurationAtStart(): void {
  try {
    env();
  } catch (error) {
    // Anything else going wrong here is a bug, but a server left up without its configuration would
    // answer nothing useful: it stops all the same.
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  }
}
