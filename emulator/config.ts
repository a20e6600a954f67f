// One place that turns CLI environment and programmatic options into a validated configuration.
import { z } from 'zod';

const urlList = z.array(z.string().url()).default([]);

const retrySchedule = z.array(z.number().int().nonnegative()).min(0);

/** Production-like webhook retry schedule (Stripe retries for up to three days). */
export const PRODUCTION_RETRY_MS: readonly number[] = [
  60_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  6 * 3_600_000,
  12 * 3_600_000,
  24 * 3_600_000,
];
/** A schedule fast enough for tests. */
export const FAST_RETRY_MS: readonly number[] = [20, 50, 100, 200, 400];

export const configSchema = z.object({
  port: z.number().int().min(0).max(65535).default(12111),
  host: z.string().min(1).default('127.0.0.1'),
  secretKey: z.string().startsWith('sk_test_').default('sk_test_emulator'),
  webhookSecret: z.string().startsWith('whsec_').default('whsec_emulator'),
  webhookUrls: urlList,
  stateFile: z.string().min(1).optional(),
  publicUrl: z.string().url().optional(),
  merchantName: z.string().min(1).default('Storefront'),
  /** The Stripe account's country: which currencies Amazon Pay presents (emulator/amazon-pay.ts). */
  accountCountry: z
    .string()
    .regex(/^[A-Z]{2}$/, 'a two-letter country code in capitals, e.g. GB')
    .default('GB'),
  webhookRetryMs: retrySchedule.default([...PRODUCTION_RETRY_MS]),
  webhookTimeoutMs: z.number().int().positive().default(10_000),
  /**
   * How long a refund to Amazon Pay stays `pending` before it succeeds on its own
   * (Amazon processes refunds asynchronously); null: only the control API settles it.
   */
  amazonPayRefundDelayMs: z.number().int().nonnegative().nullable().default(3_000),
  /**
   * Billing's automatic retries of a failed renewal: days after the first failed attempt
   * (Stripe's custom retry schedule; emulator/billing/dunning.ts).
   */
  billingRetryDays: z.array(z.number().positive()).max(8).default([3, 5, 7]),
  /** What becomes of the subscription when its last retry fails (Stripe's "subscription status" setting). */
  billingAfterRetries: z.enum(['cancel', 'unpaid', 'past_due']).default('cancel'),
  /** What becomes of the invoice then (Stripe's "invoice status" setting): left open or marked uncollectible. */
  billingInvoiceAfterRetries: z.enum(['open', 'uncollectible']).default('open'),
  /** Interval of the sweep that expires sessions past their `expires_at`. */
  sweepIntervalMs: z.number().int().positive().default(1_000),
  /** Debounce of state-file writes. */
  persistDebounceMs: z.number().int().nonnegative().default(250),
  logRequests: z.boolean().default(false),
});

export type EmulatorConfig = z.infer<typeof configSchema>;
export type EmulatorOptions = z.input<typeof configSchema>;

function list(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function numberList(value: string | undefined): number[] | undefined {
  const parts = list(value);
  return parts?.map((part) => Number(part));
}

function numberOrUndefined(value: string | undefined): number | undefined {
  return value === undefined || value === '' ? undefined : Number(value);
}

/** An enumerated setting as given (typed for the options; the schema refuses any other value). */
function oneOf<const T extends string>(value: string | undefined, _values: readonly T[]): T | undefined {
  return value === undefined || value === '' ? undefined : (value as T);
}

/** Reads the emulator's environment variables into options (validated later by `resolveConfig`). */
export function optionsFromEnv(env: NodeJS.ProcessEnv): EmulatorOptions {
  const fromApiBase = env.STRIPE_API_BASE ? new URL(env.STRIPE_API_BASE) : undefined;
  const options: EmulatorOptions = {
    port: numberOrUndefined(env.EMULATOR_PORT) ?? (fromApiBase?.port ? Number(fromApiBase.port) : undefined),
    host: env.EMULATOR_HOST || undefined,
    secretKey: env.STRIPE_SECRET_KEY || undefined,
    webhookSecret: env.STRIPE_WEBHOOK_SECRET || undefined,
    webhookUrls: list(env.EMULATOR_WEBHOOK_URLS),
    stateFile: env.EMULATOR_STATE_FILE || undefined,
    publicUrl: env.EMULATOR_PUBLIC_URL || undefined,
    merchantName: env.EMULATOR_MERCHANT_NAME || undefined,
    accountCountry: env.EMULATOR_ACCOUNT_COUNTRY || undefined,
    amazonPayRefundDelayMs:
      env.EMULATOR_AMAZON_PAY_REFUND_MS === 'manual'
        ? null
        : numberOrUndefined(env.EMULATOR_AMAZON_PAY_REFUND_MS),
    webhookRetryMs:
      env.EMULATOR_WEBHOOK_RETRY_MS === 'fast'
        ? [...FAST_RETRY_MS]
        : numberList(env.EMULATOR_WEBHOOK_RETRY_MS),
    webhookTimeoutMs: numberOrUndefined(env.EMULATOR_WEBHOOK_TIMEOUT_MS),
    billingRetryDays: numberList(env.EMULATOR_BILLING_RETRY_DAYS),
    billingAfterRetries: oneOf(env.EMULATOR_BILLING_AFTER_RETRIES, ['cancel', 'unpaid', 'past_due'] as const),
    billingInvoiceAfterRetries: oneOf(env.EMULATOR_BILLING_INVOICE_AFTER_RETRIES, [
      'open',
      'uncollectible',
    ] as const),
    logRequests: env.EMULATOR_LOG === '1' || env.EMULATOR_LOG === 'true' ? true : undefined,
  };
  return options;
}

export function resolveConfig(options: EmulatorOptions = {}): EmulatorConfig {
  const result = configSchema.safeParse(options);
  if (!result.success) {
    const detail = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid emulator configuration: ${detail}`);
  }
  return result.data;
}
