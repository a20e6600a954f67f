// With EMULATOR_STATE_FILE, a restart keeps customers, saved methods and sessions.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import Stripe from 'stripe';
import { createControlClient } from '../../emulator/control-client.ts';
import { startEmulator } from '../../emulator/server.ts';

describe('persistence', () => {
  it('reloads state written on close', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emulator-state-'));
    const stateFile = path.join(dir, 'stripe.json');
    try {
      const first = await startEmulator({ port: 0, stateFile });
      const stripe = new Stripe('sk_test_emulator', {
        host: '127.0.0.1',
        port: first.port,
        protocol: 'http',
      });
      const customer = await stripe.customers.create(
        { email: 'keep@example.com' },
        { idempotencyKey: 'keep-1' },
      );
      const session = await stripe.checkout.sessions.create({
        mode: 'setup',
        customer: customer.id,
        allowed_payment_method_types: ['amazon_pay'],
        success_url: 'http://localhost/ok',
      });
      await createControlClient(first.url).completeCheckoutSession(session.id, { method: 'amazon_pay' });
      await first.close();
      assert.ok(existsSync(stateFile));

      const second = await startEmulator({ port: 0, stateFile });
      try {
        const again = new Stripe('sk_test_emulator', {
          host: '127.0.0.1',
          port: second.port,
          protocol: 'http',
        });
        assert.equal(
          ((await again.customers.retrieve(customer.id)) as Stripe.Customer).email,
          'keep@example.com',
        );
        const methods = await again.customers.listPaymentMethods(customer.id);
        assert.equal(methods.data.length, 1);
        assert.equal((await again.checkout.sessions.retrieve(session.id)).status, 'complete');
        const replay = await again.customers.create(
          { email: 'keep@example.com' },
          { idempotencyKey: 'keep-1' },
        );
        assert.equal(replay.id, customer.id);
        const fresh = await again.checkout.sessions.create({
          mode: 'setup',
          customer: customer.id,
          allowed_payment_method_types: ['amazon_pay'],
          success_url: 'http://localhost/ok',
        });
        assert.ok(fresh.url?.startsWith(second.url));
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
