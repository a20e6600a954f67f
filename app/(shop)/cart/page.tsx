import type { Metadata } from 'next';
import Link from 'next/link';
import { loadCart } from '@/lib/cart/cart';
import { payLaterAgreement } from '@/lib/orders/pay-later';
import { currentUser } from '@/lib/platform/auth';
import { formatMoney } from '@/lib/payments/money';
import { amazonPayTakes } from '@/lib/payments/offered';
import { freeShippingThreshold } from '@/lib/shipping/rates';
import { ProductImage } from '../product-image';
import { readCartId } from './cart-cookie';
import { CartCountSync } from './cart-count-sync';
import { CartLineForm } from './cart-line-form';
import { CheckoutForm } from './checkout-form';
import { LineStockNote } from './line-stock-note';

export const metadata: Metadata = { title: 'Your cart' };

type Props = { searchParams: Promise<{ checkout?: string | string[] }> };

export default async function CartPage({ searchParams }: Props) {
  const [cart, { checkout }, user] = await Promise.all([
    readCartId().then(loadCart),
    searchParams,
    currentUser(),
  ]);
  // Per currency, the saved method that can pay there when the order ships (signed-in customers only).
  const payLater = new Map(
    await Promise.all(
      cart.groups.map(
        async (group) =>
          [group.currency, user ? await payLaterAgreement(user.id, group.currency) : null] as const,
      ),
    ),
  );
  return (
    <section aria-labelledby="cart-heading">
      <h1 id="cart-heading">Your cart</h1>
      <CartCountSync count={cart.itemCount} />
      {checkout === 'canceled' && (
        <p className="notice" role="status">
          Checkout canceled: nothing was charged, and your cart is as you left it.
        </p>
      )}
      {cart.unavailable.length > 0 && (
        <p className="notice" role="status" data-testid="cart-unavailable">
          No longer available and left out of your cart: {cart.unavailable.join(', ')}.
        </p>
      )}
      {cart.groups.length === 0 ? (
        <p>
          Your cart is empty. <Link href="/">Browse the shop</Link>.
        </p>
      ) : (
        <>
          {cart.groups.length > 1 && (
            <p className="notice">
              Your cart holds items priced in {cart.groups.length} currencies. Each currency is paid
              separately.
            </p>
          )}
          {cart.groups.map((group) => (
            <section
              key={group.currency}
              className="currency-group"
              aria-labelledby={`group-${group.currency}`}
              data-testid={`cart-group-${group.currency}`}
            >
              <h2 id={`group-${group.currency}`}>Items in {group.currency.toUpperCase()}</h2>
              <ul className="cart-lines">
                {group.lines.map((line) => (
                  <li
                    key={line.product.id}
                    className="cart-line"
                    data-testid={`cart-line-${line.product.slug}`}
                  >
                    <ProductImage src={line.product.image} alt="" width={72} height={72} />
                    <div className="cart-line-body">
                      <Link href={`/products/${line.product.slug}`}>{line.product.name}</Link>
                      <span className="muted">
                        {formatMoney({ amount: line.product.unitAmount, currency: line.product.currency })}{' '}
                        each
                      </span>
                      <LineStockNote stock={line.product.stock} quantity={line.quantity} />
                      <CartLineForm
                        productId={line.product.id}
                        productName={line.product.name}
                        quantity={line.quantity}
                      />
                    </div>
                    <span className="price" data-testid="line-total">
                      {formatMoney(line.lineTotal)}
                    </span>
                  </li>
                ))}
              </ul>
              <p className="subtotal">
                Subtotal ({group.itemCount} {group.itemCount === 1 ? 'item' : 'items'}):{' '}
                <strong data-testid="group-subtotal">{formatMoney(group.subtotal)}</strong>
              </p>
              <p className="muted">
                Shipping is chosen at checkout; standard shipping is free from{' '}
                {formatMoney({ amount: freeShippingThreshold(group.currency), currency: group.currency })}.
              </p>
              <PaymentMethodsNote currency={group.currency} />
              <CheckoutForm currency={group.currency} total={formatMoney(group.subtotal)} />
              {payLater.get(group.currency) && (
                <p className="pay-later-choice">
                  <Link
                    href={`/cart/pay-later?currency=${group.currency}`}
                    className="button secondary"
                    data-testid={`pay-later-${group.currency}`}
                  >
                    Place order, charged to your saved {payLater.get(group.currency)!.method} when it ships
                  </Link>
                </p>
              )}
            </section>
          ))}
        </>
      )}
    </section>
  );
}

/** Which methods pay this group, so nobody looks for Amazon Pay on a page that will not show it. */
function PaymentMethodsNote({ currency }: { currency: string }) {
  return (
    <p className="muted" data-testid="group-methods">
      {amazonPayTakes(currency)
        ? 'Pay by card or Amazon Pay.'
        : `Pay by card. Amazon Pay is not offered for payments in ${currency.toUpperCase()}.`}
    </p>
  );
}
