import type { Metadata } from 'next';
import Link from 'next/link';
import { liveBoxCurrencies } from '@/lib/billing/customer-boxes';
import { BOX_DESCRIPTION, BOX_NAME, boxPrices } from '@/lib/billing/plan';
import { nextRenewal, renewalAnchor, renewalDayOf } from '@/lib/billing/renewal-day';
import { monthlyAgreement } from '@/lib/billing/subscribe';
import { termsValues } from '@/lib/mandates/agreements';
import { CURRENT_TERMS_VERSION, termsText } from '@/lib/mandates/terms';
import { formatMoney } from '@/lib/payments/money';
import { amazonPayTakes } from '@/lib/payments/offered';
import { currentUser } from '@/lib/platform/auth';
import { env } from '@/lib/platform/env';
import { addressSummary, listAddresses } from '@/lib/shipping/address-book';
import { countryName } from '@/lib/shipping/countries';
import { formatTime } from '@/app/_components/time';
import { SubscribeForm } from './subscribe-form';

export const metadata: Metadata = { title: BOX_NAME };

type Props = { searchParams: Promise<{ currency?: string | string[]; checkout?: string | string[] }> };

const ordinal = new Intl.PluralRules('en', { type: 'ordinal' });
const SUFFIX: Record<string, string> = { one: 'st', two: 'nd', few: 'rd', other: 'th' };
const dayOfMonth = (day: number) => `${day}${SUFFIX[ordinal.select(day)]}`;

export default async function SubscribePage({ searchParams }: Props) {
  const query = await searchParams;
  const asked = typeof query.currency === 'string' ? query.currency : '';
  const user = await currentUser();
  const here = `/subscribe${asked ? `?currency=${encodeURIComponent(asked)}` : ''}`;
  const [prices, live, addresses] = await Promise.all([
    boxPrices(),
    user ? liveBoxCurrencies(user.id) : new Set<string>(),
    user ? listAddresses(user.id) : [],
  ]);
  if (prices.length === 0) {
    return (
      <section aria-labelledby="box-heading">
        <h1 id="box-heading">{BOX_NAME}</h1>
        <p>The box is not on sale yet. Please come back soon.</p>
      </section>
    );
  }
  const price = prices.find((candidate) => candidate.currency === asked) ?? prices[0]!;
  const money = formatMoney({ amount: price.unitAmount, currency: price.currency });
  const agreement = user ? await monthlyAgreement(user.id, price.currency) : null;
  const now = new Date();
  const day = agreement ? agreement.renewalDay : renewalDayOf(now);
  const anchor = agreement ? renewalAnchor(day, now) : null;
  const firstCharge = anchor ? new Date(anchor * 1000) : null;
  return (
    <section aria-labelledby="box-heading">
      <h1 id="box-heading">{BOX_NAME}</h1>
      <p>{BOX_DESCRIPTION}</p>
      <form method="get" className="currency-choice" aria-label="Currency">
        <label htmlFor="currency">Pay in</label>{' '}
        <select id="currency" name="currency" defaultValue={price.currency}>
          {prices.map((option) => (
            <option key={option.currency} value={option.currency}>
              {option.currency.toUpperCase()}:{' '}
              {formatMoney({ amount: option.unitAmount, currency: option.currency })} a month
            </option>
          ))}
        </select>{' '}
        <button type="submit" className="link-button">
          Show
        </button>
      </form>
      {(query.checkout === 'canceled' || query.checkout === 'expired') && (
        <p className="notice" role="status">
          {query.checkout === 'canceled'
            ? 'You left the payment page: nothing was charged.'
            : 'The payment page expired: nothing was charged. Subscribe again below.'}
        </p>
      )}
      <p data-testid="box-price">
        <strong>{money}</strong> a month, shipping included. Renews on the <strong>{dayOfMonth(day)}</strong>{' '}
        of each month
        {firstCharge
          ? `, first charged on ${formatTime(firstCharge, 'day')}`
          : `; the first box is charged today and the next on ${formatTime(nextRenewal(day, now), 'day')}`}
        . Cancel any time before a renewal from your account.
      </p>
      {!user ? (
        <p>
          <Link href={`/sign-in?next=${encodeURIComponent(here)}`}>Sign in</Link> or{' '}
          <Link href={`/sign-up?next=${encodeURIComponent(here)}`}>create an account</Link> to subscribe.
        </p>
      ) : live.has(price.currency) ? (
        <p data-testid="box-already">
          You already have a monthly box in {price.currency.toUpperCase()}.{' '}
          <Link href="/account/box">See it on your account page</Link>.
        </p>
      ) : !agreement && !amazonPayTakes(price.currency) ? (
        <p>Amazon Pay cannot be charged in {price.currency.toUpperCase()} here. Choose another currency.</p>
      ) : (
        <SubscribeForm
          currency={price.currency}
          amount={price.unitAmount}
          price={money}
          agreement={agreement ? { id: agreement.id, method: agreement.method } : null}
          termsVersion={CURRENT_TERMS_VERSION}
          terms={agreement ? null : termsText(CURRENT_TERMS_VERSION, termsValues())}
          addresses={addresses.map((address) => ({ id: address.id, summary: addressSummary(address) }))}
          countries={env().shipToCountries.map((code) => ({ code, name: countryName(code) }))}
        />
      )}
    </section>
  );
}
