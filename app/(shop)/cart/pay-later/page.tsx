import type { Metadata } from 'next';
import Link from 'next/link';
import { loadCart } from '@/lib/cart/cart';
import { payLaterAgreement } from '@/lib/orders/pay-later';
import { requireUser } from '@/lib/platform/auth';
import { env } from '@/lib/platform/env';
import { formatMoney } from '@/lib/payments/money';
import { addressSummary, listAddresses } from '@/lib/shipping/address-book';
import { countryName } from '@/lib/shipping/countries';
import { shippingRatesFor } from '@/lib/shipping/rates';
import { readCartId } from '../cart-cookie';
import { PayLaterForm } from './pay-later-form';

export const metadata: Metadata = { title: 'Place order, pay when it ships' };

type Props = { searchParams: Promise<{ currency?: string | string[] }> };

export default async function PayLaterPage({ searchParams }: Props) {
  const { currency: raw } = await searchParams;
  const currency = typeof raw === 'string' ? raw : '';
  const user = await requireUser(`/cart/pay-later?currency=${encodeURIComponent(currency)}`);
  const [cart, agreement, addresses] = await Promise.all([
    readCartId().then(loadCart),
    payLaterAgreement(user.id, currency),
    listAddresses(user.id),
  ]);
  const group = cart.groups.find((candidate) => candidate.currency === currency);
  const back = (
    <p>
      <Link href="/cart">← Back to your cart</Link>
    </p>
  );
  if (!group) {
    return (
      <section aria-labelledby="pay-later-heading">
        <h1 id="pay-later-heading">Place order</h1>
        <p>There is nothing in your cart to order in this currency.</p>
        {back}
      </section>
    );
  }
  if (!agreement) {
    return (
      <section aria-labelledby="pay-later-heading">
        <h1 id="pay-later-heading">Place order</h1>
        <p>
          Paying when an order ships needs an active per-order agreement with a saved method that can pay in{' '}
          {currency.toUpperCase()}. <Link href="/account/amazon-pay">Save Amazon Pay for later</Link>, or
          check out from your cart.
        </p>
        {back}
      </section>
    );
  }
  const money = (amount: number) => formatMoney({ amount, currency });
  const rates = shippingRatesFor(currency, group.subtotal.amount).map((rate) => ({
    key: rate.key,
    label: `${rate.displayName} (${rate.estimate.minBusinessDays}–${rate.estimate.maxBusinessDays} business days)`,
    price: money(rate.amount),
    total: money(group.subtotal.amount + rate.amount),
  }));
  return (
    <section aria-labelledby="pay-later-heading">
      <h1 id="pay-later-heading">Place order, charged to your saved {agreement.method} when it ships</h1>
      {back}
      <ul className="cart-lines">
        {group.lines.map((line) => (
          <li key={line.product.id} className="cart-line" data-testid="pay-later-line">
            <span>
              {line.quantity} × {line.product.name}
            </span>
            <span className="price">{formatMoney(line.lineTotal)}</span>
          </li>
        ))}
      </ul>
      <p className="subtotal">
        Items: <strong>{formatMoney(group.subtotal)}</strong>
      </p>
      <PayLaterForm
        currency={currency}
        subtotal={group.subtotal.amount}
        mandateId={agreement.id}
        method={agreement.method}
        rates={rates}
        addresses={addresses.map((address) => ({ id: address.id, summary: addressSummary(address) }))}
        countries={env().shipToCountries.map((code) => ({ code, name: countryName(code) }))}
      />
    </section>
  );
}
