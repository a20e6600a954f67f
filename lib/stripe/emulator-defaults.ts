/**
 * The local Stripe emulator's well-known test credentials and address: what the
 * app uses when no real key is configured, and what the dev and test stacks
 * start the emulator with. Not secrets: they open nothing but the emulator.
 */
export const EMULATOR_SECRET_KEY = 'sk_test_emulator';
export const EMULATOR_WEBHOOK_SECRET = 'whsec_emulator';
export const EMULATOR_PUBLISHABLE_KEY = 'pk_test_emulator';
export const EMULATOR_PORT = 12111;
export const EMULATOR_API_BASE = `http://127.0.0.1:${EMULATOR_PORT}`;
