import 'server-only';
import { z } from 'zod';
import {
  EMULATOR_API_BASE,
  EMULATOR_PUBLISHABLE_KEY,
  EMULATOR_SECRET_KEY,
  EMULATOR_WEBHOOK_SECRET,
} from '../stripe/emulator-defaults';
import { SHOP_CURRENCIES, type ShopCurrency } from '../payments/currencies';
import { DEFAULT_SHIP_TO_COUNTRIES, STRIPE_UNSHIPPABLE_COUNTRIES } from '../shipping/countries';

/**
 * Configuration, read from the process environment once and validated here only.
 * Every variable is listed in .env.example. Defaults point at the local Stripe
 * emulator so `npm run dev` needs no setup; giving a real key (and no
 * STRIPE_API_BASE) talks to Stripe instead.
 */

export { EMULATOR_API_BASE, EMULATOR_SECRET_KEY, EMULATOR_WEBHOOK_SECRET };
const DEFAULT_SUPPORT_EMAIL = 'help@fieldnotes.example';
const DEVELOPMENT_COOKIE_SECRET = 'development-only-cookie-secret-change-me';
const DEVELOPMENT_AUTH_SECRET = 'development-only-auth-secret-change-me-0123456789';
const DEVELOPMENT_EVIDENCE_SECRET = 'development-only-evidence-secret-change-me-012345';

/** A part of a URL, or '' when the text is none (zod runs every check, even after z.url() failed). */
const urlPart = (value: string, part: 'protocol' | 'hostname') =>
  URL.canParse(value) ? new URL(value)[part] : '';

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

/** A comma-separated list, each entry trimmed and normalised, empty entries dropped. */
const commaList = (normalise: (entry: string) => string) =>
  z.string().transform((list) =>
    list
      .split(',')
      .map((entry) => normalise(entry.trim()))
      .filter(Boolean),
  );

const rawSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z
    .string({ error: 'is required (the dev and test scripts set it for the embedded PostgreSQL)' })
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL'),
  APP_URL: optional(z.url({ error: 'must be an absolute URL such as http://localhost:3000' })),
  STRIPE_SECRET_KEY: optional(
    z.string().regex(/^(sk|rk)_(test|live)_\w+$/, 'must be a Stripe secret key (sk_test_…)'),
  ),
  NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: optional(
    z
      .string()
      .refine((value) => !/^(sk|rk)_/.test(value), {
        error: 'is a secret key: this one is sent to browsers, so it must be the publishable key (pk_…)',
        abort: true,
      })
      .refine((value) => /^pk_(test|live)_\w+$/.test(value), {
        error: 'must be a Stripe publishable key (pk_test_…)',
      }),
  ),
  CHECKOUT_UI: optional(
    z.enum(['embedded', 'hosted'], {
      error: "must be `embedded` (Checkout in the shop's page) or `hosted` (Stripe's page)",
    }),
  ),
  STRIPE_WEBHOOK_SECRET: optional(
    z.string().regex(/^whsec_\w+$/, 'must be a webhook signing secret (whsec_…)'),
  ),
  STRIPE_API_BASE: optional(z.url({ error: 'must be a URL such as http://127.0.0.1:12111' })),
  STRIPE_MAX_NETWORK_RETRIES: optional(
    z.coerce.number({ error: 'must be a whole number from 0 to 5' }).int().min(0).max(5),
  ),
  COOKIE_SECRET: optional(z.string().min(32, 'must be at least 32 characters')),
  SHOP_NAME: optional(z.string().min(1).max(80)),
  SUPPORT_EMAIL: optional(z.email('must be an email address')),
  REVALIDATE_SECRET: optional(z.string().min(24, 'must be at least 24 characters')),
  BETTER_AUTH_SECRET: optional(z.string().min(32, 'must be at least 32 characters')),
  EVIDENCE_SECRET: optional(z.string().min(32, 'must be at least 32 characters')),
  ADMIN_EMAILS: optional(
    commaList((email) => email.toLowerCase()).pipe(
      z.array(z.email('must be a comma-separated list of email addresses')),
    ),
  ),
  SHIP_TO_COUNTRIES: optional(
    commaList((code) => code.toUpperCase()).pipe(
      z
        .array(
          z
            .string()
            .regex(/^[A-Z]{2}$/, 'must be a comma-separated list of two-letter country codes (US,GB,DE)')
            .refine((code) => !STRIPE_UNSHIPPABLE_COUNTRIES.has(code), {
              error: (issue) => `${String(issue.input)} is a country Stripe Checkout cannot ship to`,
            }),
        )
        .min(1, 'must name at least one country'),
    ),
  ),
  AMAZON_PAY_CURRENCIES: optional(
    commaList((code) => code.toLowerCase())
      .pipe(
        z
          .array(
            z.enum([...SHOP_CURRENCIES, 'none'], {
              error: `must be \`none\` or a comma-separated list of the shop's currencies (${SHOP_CURRENCIES.join(',')})`,
            }),
          )
          .min(1, 'must name a currency, or be `none`')
          .refine(
            (list) => !list.includes('none') || list.length === 1,
            '`none` cannot be listed with currencies',
          ),
      )
      .transform((list) => list.filter((code): code is ShopCurrency => code !== 'none')),
  ),
  SMTP_URL: optional(
    z
      .url({ error: 'must be a URL such as smtp://user:password@smtp.example.com:587' })
      .refine((value) => /^smtps?:$/.test(urlPart(value, 'protocol')), {
        error: 'must start with smtp:// (STARTTLS when offered) or smtps:// (TLS from the start)',
        abort: true,
      })
      .refine((value) => urlPart(value, 'hostname') !== '', { error: 'must name a host' }),
  ),
  MAIL_FROM: optional(z.email('must be an email address, such as orders@your-shop.example')),
  CRON_SECRET: optional(z.string().min(24, 'must be at least 24 characters')),
  TRUSTED_PROXIES: optional(
    commaList((entry) => entry).pipe(
      z.array(
        z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()], {
          error:
            'must be a comma-separated list of IP addresses or CIDR ranges (10.0.0.5, 10.0.0.0/8, fd00::/8)',
        }),
      ),
    ),
  ),
});

export type Env = {
  nodeEnv: 'development' | 'production' | 'test';
  databaseUrl: string;
  appUrl: string;
  shopName: string;
  /** Where customers write to; quoted in the payment agreement's terms. */
  supportEmail: string;
  cookieSecret: string;
  /** Signs account sessions (better-auth). */
  authSecret: string;
  /** Keys the seal over each payment agreement's evidence (lib/mandates/evidence.ts). */
  evidenceSecret: string;
  /** Bearer token of POST /api/catalog/revalidate; unset disables that endpoint. */
  revalidateSecret: string | null;
  /** Accounts with these emails become admins once the address is verified. */
  adminEmails: readonly string[];
  email: {
    /** The SMTP server mail goes through (nodemailer's URL form); null: mail waits in the outbox. */
    smtpUrl: string | null;
    /** The sender address; the display name is the shop's. */
    from: string;
  };
  /** Bearer token of /api/cron (the scheduled work, for hosts without a lasting process); unset disables it. */
  cronSecret: string | null;
  /** Reverse proxies in front of the app (addresses or CIDR ranges): lib/platform/client-info.ts. */
  trustedProxies: readonly string[];
  /**
   * The currencies Amazon Pay takes on this shop's Stripe account: all of the
   * shop's for an EU or UK account, usd only for a US one, none elsewhere.
   */
  amazonPayCurrencies: readonly ShopCurrency[];
  /** Countries Checkout collects shipping addresses in (ISO 3166-1 alpha-2). */
  shipToCountries: readonly string[];
  /** Checkout in the shop's own page (Stripe.js mounts it) or on Stripe's hosted page. */
  checkoutUi: 'embedded' | 'hosted';
  stripe: {
    secretKey: string;
    /** Sent to browsers for Stripe.js. */
    publishableKey: string;
    /** Stripe.js from the emulator (its stand-in) when the SDK talks to one; null: js.stripe.com. */
    stripeJsUrl: string | null;
    webhookSecret: string;
    /** Set when the SDK must talk to another host than api.stripe.com (the emulator). */
    apiBase: URL | null;
    /** Retries of a failed request, with the SDK's backoff; tests that do not test retries set 0. */
    maxNetworkRetries: number;
  };
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = rawSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}\nSee .env.example.`);
  }
  const raw = parsed.data;
  const production = raw.NODE_ENV === 'production';

  // In production nothing falls back to the emulator: its key and webhook secret are public.
  if (production && !raw.STRIPE_SECRET_KEY) {
    throw new ConfigError(
      'Invalid configuration:\n  STRIPE_SECRET_KEY: is required in production (npm run dev runs the shop on the Stripe emulator)\nSee .env.example.',
    );
  }
  if (production && !raw.STRIPE_WEBHOOK_SECRET) {
    throw new ConfigError(
      'Invalid configuration:\n  STRIPE_WEBHOOK_SECRET: is required in production\nSee .env.example.',
    );
  }
  const secretKey = raw.STRIPE_SECRET_KEY ?? EMULATOR_SECRET_KEY;
  const usesEmulatorKey = secretKey === EMULATOR_SECRET_KEY;
  // A production build may talk to an emulator only on this machine (the test stacks do): never to a shared one.
  if (production && usesEmulatorKey && !isLoopbackUrl(raw.STRIPE_API_BASE)) {
    throw new ConfigError(
      "Invalid configuration:\n  STRIPE_SECRET_KEY: is the emulator's key; in production use your Stripe key (an emulator is allowed only on loopback, for tests)\nSee .env.example.",
    );
  }
  const apiBase = raw.STRIPE_API_BASE ?? (usesEmulatorKey ? EMULATOR_API_BASE : undefined);
  const webhookSecret = raw.STRIPE_WEBHOOK_SECRET ?? (usesEmulatorKey ? EMULATOR_WEBHOOK_SECRET : undefined);

  if (!webhookSecret) {
    throw new ConfigError(
      'Invalid configuration:\n  STRIPE_WEBHOOK_SECRET: is required with a real Stripe key\nSee .env.example.',
    );
  }
  if (secretKey.includes('_live_') && apiBase) {
    throw new ConfigError(
      'Invalid configuration:\n  STRIPE_API_BASE: must be unset with a live key\nSee .env.example.',
    );
  }
  const publishableKey =
    raw.NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY ?? (apiBase ? EMULATOR_PUBLISHABLE_KEY : undefined);
  if (!publishableKey) {
    throw new ConfigError(
      'Invalid configuration:\n  NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: is required with a real Stripe key\nSee .env.example.',
    );
  }
  // Both keys of one account and one mode: a live page charging through a test key (or the reverse) fails.
  if (secretKey.includes('_live_') !== publishableKey.includes('_live_')) {
    throw new ConfigError(
      'Invalid configuration:\n  NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: is a ' +
        `${publishableKey.includes('_live_') ? 'live' : 'test'} key but STRIPE_SECRET_KEY is a ` +
        `${secretKey.includes('_live_') ? 'live' : 'test'} key; use the two keys of one mode\nSee .env.example.`,
    );
  }
  const developmentDefaults = {
    COOKIE_SECRET: DEVELOPMENT_COOKIE_SECRET,
    BETTER_AUTH_SECRET: DEVELOPMENT_AUTH_SECRET,
    EVIDENCE_SECRET: DEVELOPMENT_EVIDENCE_SECRET,
  } as const;
  for (const name of ['COOKIE_SECRET', 'BETTER_AUTH_SECRET', 'EVIDENCE_SECRET'] as const) {
    if (production && !raw[name]) {
      throw new ConfigError(
        `Invalid configuration:\n  ${name}: is required in production\nSee .env.example.`,
      );
    }
    // The development value is in this repository for anyone to read.
    if (production && raw[name] === developmentDefaults[name]) {
      throw new ConfigError(
        `Invalid configuration:\n  ${name}: is the development default; set a secret of your own in production\nSee .env.example.`,
      );
    }
  }

  return {
    nodeEnv: raw.NODE_ENV,
    databaseUrl: raw.DATABASE_URL,
    appUrl: (raw.APP_URL ?? 'http://localhost:3000').replace(/\/$/, ''),
    shopName: raw.SHOP_NAME ?? 'Fieldnotes Market',
    supportEmail: raw.SUPPORT_EMAIL ?? DEFAULT_SUPPORT_EMAIL,
    cookieSecret: raw.COOKIE_SECRET ?? DEVELOPMENT_COOKIE_SECRET,
    authSecret: raw.BETTER_AUTH_SECRET ?? DEVELOPMENT_AUTH_SECRET,
    evidenceSecret: raw.EVIDENCE_SECRET ?? DEVELOPMENT_EVIDENCE_SECRET,
    adminEmails: raw.ADMIN_EMAILS ?? [],
    trustedProxies: raw.TRUSTED_PROXIES ?? [],
    email: {
      smtpUrl: raw.SMTP_URL ?? null,
      from: raw.MAIL_FROM ?? raw.SUPPORT_EMAIL ?? DEFAULT_SUPPORT_EMAIL,
    },
    cronSecret: raw.CRON_SECRET ?? null,
    amazonPayCurrencies: [...new Set(raw.AMAZON_PAY_CURRENCIES ?? SHOP_CURRENCIES)],
    shipToCountries: [...new Set(raw.SHIP_TO_COUNTRIES ?? DEFAULT_SHIP_TO_COUNTRIES)],
    checkoutUi: raw.CHECKOUT_UI ?? 'embedded',
    revalidateSecret: raw.REVALIDATE_SECRET ?? null,
    stripe: {
      secretKey,
      publishableKey,
      stripeJsUrl: apiBase ? new URL('/v3/stripe.js', apiBase).href : null,
      webhookSecret,
      apiBase: apiBase ? new URL(apiBase) : null,
      maxNetworkRetries: raw.STRIPE_MAX_NETWORK_RETRIES ?? 2,
    },
  };
}

function isLoopbackUrl(value: string | undefined): boolean {
  if (!value) return false;
  const host = new URL(value).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

let cached: Env | undefined;

/** The validated configuration; the first call validates, later calls reuse it. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
