import type Stripe from 'stripe';

/**
 * The SDK's options for this shop: with an API base (the local emulator in
 * development and tests) the SDK is pointed at that host; otherwise it talks to
 * api.stripe.com. Shared by the app's client and the seed script.
 */
export function stripeClientOptions(input: {
  apiBase: URL | null;
  maxNetworkRetries: number;
}): Stripe.StripeConfig {
  const { apiBase } = input;
  return {
    maxNetworkRetries: input.maxNetworkRetries,
    timeout: 20_000,
    telemetry: false,
    appInfo: { name: 'storefront' },
    ...(apiBase
      ? {
          host: apiBase.hostname,
          port: apiBase.port || (apiBase.protocol === 'https:' ? 443 : 80),
          protocol: apiBase.protocol === 'https:' ? 'https' : 'http',
        }
      : {}),
  };
}
