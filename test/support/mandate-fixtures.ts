// Accounts and saved payment methods for the save-for-later tests: a user row
// as sign-up leaves it, and a mandate saved through setup-mode Checkout on the
// emulator with its webhooks delivered. Needs a stack with the webhook route
// (startAppStackWithWebhooks): the setup only completes through its events.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AppStack } from './app-stack.ts';

export type TestUser = { id: string; email: string; name: string };

/**
 * A user with a unique id and address; `label` makes the address readable in failures. Verified
 * (its owner followed the sign-up link) unless `verified` is false.
 */
export async function newUser(stack: AppStack, label: string, verified = true): Promise<TestUser> {
  const id = randomUUID().replaceAll('-', '');
  const user = { id, email: `${label}.${id.slice(0, 8)}@example.com`, name: label };
  await stack.database.prisma.user.create({ data: { ...user, emailVerified: verified } });
  return user;
}

/** A mandate saved through setup-mode Checkout with `method`, its webhooks delivered; active unless Stripe says otherwise. */
export async function savedMandate(
  stack: AppStack,
  user: TestUser,
  method: 'amazon_pay' | 'card' = 'amazon_pay',
) {
  // lib/ reads its configuration when first loaded: only after the stack set it.
  const mandates = await import('../../lib/mandates/agreements.ts');
  const terms = await import('../../lib/mandates/terms.ts');
  const started = await mandates.startMandateSetup({
    user,
    frequency: 'per_order',
    termsVersion: terms.CURRENT_TERMS_VERSION,
    ipAddress: '203.0.113.7',
    userAgent: 'node-test',
  });
  assert.ok(started.ok, started.ok ? '' : started.message);
  const db = stack.database.prisma;
  const pending = await db.mandate.findUniqueOrThrow({ where: { id: started.mandateId } });
  await stack.control.completeCheckoutSession(pending.stripeCheckoutSessionId!, { method });
  await stack.control.flushWebhooks();
  return db.mandate.findUniqueOrThrow({ where: { id: started.mandateId } });
}
