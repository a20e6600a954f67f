// Whose time it is: a customer created on a test clock lives on that clock's frozen time (and so do
// its subscriptions and invoices); everyone else on the real time.
import type Stripe from 'stripe';
import type { Emulator } from '../context.ts';
import { atClockTime, nowSeconds } from '../context.ts';
import { findObject } from '../store.ts';

export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : value.id;
}

export function clockOfCustomer(
  emu: Emulator,
  customerId: string | null,
): Stripe.TestHelpers.TestClock | null {
  const customer = customerId ? findObject(emu.state, 'customer', customerId) : undefined;
  const clockId = idOf(customer?.test_clock);
  return (clockId && findObject(emu.state, 'test_helpers.test_clock', clockId)) || null;
}

/** Runs `work` on the customer's time: its clock's frozen time, or the real time. */
export function onCustomerTime<T>(emu: Emulator, customerId: string | null, work: () => T): T {
  return atClockTime(clockOfCustomer(emu, customerId)?.frozen_time ?? null, work);
}

/** The customer's current time (unix seconds). */
export function customerTime(emu: Emulator, customerId: string | null): number {
  return onCustomerTime(emu, customerId, nowSeconds);
}
