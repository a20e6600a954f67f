import type { Metadata } from 'next';
import Link from 'next/link';
import { requireUser } from '@/lib/platform/auth';
import { listAccountCharges } from '@/lib/mandates/charges';
import { formatTime, Time } from '@/app/_components/time';
import { CURRENT_TERMS_VERSION, MANDATE_FREQUENCIES, termsText } from '@/lib/mandates/terms';
import { AMAZON_PAY_UNAVAILABLE, listMandatesForUser, termsValues } from '@/lib/mandates/agreements';
import { formatMoney } from '@/lib/payments/money';
import { ORDER_STATUS_LABELS, PAY_NOW_STATUSES } from '@/lib/orders/status';
import { SaveAmazonPayForm } from './save-form';
import { PayNowButton } from '@/app/(shop)/orders/pay-now-button';
import { RevokeButton } from './row-actions';
import { FREQUENCY_LABELS, MANDATE_STATUS_LABELS, REVOKED_BY_LABELS } from '@/lib/mandates/labels';
import { PAYMENT_METHOD_LABELS } from '@/lib/payments/methods';
import { amazonPayCurrencyList, amazonPayTakes } from '@/lib/payments/offered';

export const metadata: Metadata = { title: 'Save Amazon Pay for later' };

type Props = { searchParams: Promise<{ saved?: string; setup?: string }> };

export default async function AmazonPayPage({ searchParams }: Props) {
  const user = await requireUser('/account/amazon-pay');
  const [mandates, charges, query] = await Promise.all([
    listMandatesForUser(user.id),
    listAccountCharges(user.id),
    searchParams,
  ]);
  const terms = termsText(CURRENT_TERMS_VERSION, termsValues());
  const agreements = mandates.filter((mandate) => mandate.status !== 'pending');

  return (
    <section aria-labelledby="amazon-pay-heading">
      <h1 id="amazon-pay-heading">Save Amazon Pay for later</h1>
      {query.saved === '1' && (
        <p className="notice" role="status">
          Saved. We will only charge it as the terms below describe.
        </p>
      )}
      {query.setup === 'canceled' && (
        <p className="notice" role="status">
          Nothing was saved: you left Amazon Pay before finishing.
        </p>
      )}
      {query.setup === 'expired' && (
        <p className="notice" role="status">
          Nothing was saved: that page expired before you finished. Agree again below to start over.
        </p>
      )}

      <h2>Saved payment methods</h2>
      {agreements.length === 0 ? (
        <p className="muted">You have not saved a payment method yet.</p>
      ) : (
        <table className="order-lines" data-testid="mandates">
          <caption className="visually-hidden">Your saved payment methods and agreements</caption>
          <thead>
            <tr>
              <th scope="col">Method</th>
              <th scope="col">Status</th>
              <th scope="col">Charges</th>
              <th scope="col">Agreed</th>
              <th scope="col">Terms</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {agreements.map((mandate) => {
              const method = mandate.paymentMethodType
                ? PAYMENT_METHOD_LABELS[mandate.paymentMethodType]
                : '—';
              return (
                <tr key={mandate.id} data-testid="mandate-row" data-status={mandate.status}>
                  <td>{method}</td>
                  <td>
                    <span data-testid="mandate-status">{MANDATE_STATUS_LABELS[mandate.status]}</span>
                    {mandate.revokedBy && (
                      <span className="muted" data-testid="mandate-ended-by">
                        {' '}
                        ({REVOKED_BY_LABELS[mandate.revokedBy].customer})
                      </span>
                    )}
                  </td>
                  <td>{FREQUENCY_LABELS[mandate.frequency].short}</td>
                  <td>
                    <Time at={mandate.acceptedAt} />
                  </td>
                  <td>{mandate.termsVersion}</td>
                  <td>
                    {mandate.status === 'active' && (
                      <RevokeButton
                        mandateId={mandate.id}
                        label={`${method} saved ${formatTime(mandate.acceptedAt)}`}
                      />
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}

      {charges.length > 0 && (
        <>
          <h2>Charges on your saved methods</h2>
          <table className="order-lines" data-testid="charges">
            <caption className="visually-hidden">Charges made on your saved payment methods</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">For</th>
                <th scope="col">Order</th>
                <th scope="col">Status</th>
                <th scope="col">Amount</th>
              </tr>
            </thead>
            <tbody>
              {charges.map((charge) => {
                const amount = formatMoney({ amount: charge.amount, currency: charge.currency });
                const needsPaying = PAY_NOW_STATUSES.includes(charge.orderStatus);
                return (
                  <tr key={charge.id} data-testid="charge-row">
                    <td>
                      <Time at={charge.createdAt} />
                    </td>
                    <td>{charge.description}</td>
                    <td>
                      <Link href={`/orders/${charge.orderAccessToken}`}>#{charge.orderNumber}</Link>
                    </td>
                    <td data-testid="charge-status">
                      {needsPaying ? (
                        <>
                          <span>{ORDER_STATUS_LABELS[charge.orderStatus]}</span>{' '}
                          <PayNowButton orderId={charge.orderId} label={`${charge.description}, ${amount}`} />
                        </>
                      ) : (
                        ORDER_STATUS_LABELS[charge.orderStatus]
                      )}
                    </td>
                    <td>{amount}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}

      <h2>Save a payment method</h2>
      {amazonPayTakes(null) ? (
        <>
          <p>
            Read the terms, choose how often we may charge, and tick the box. You then confirm on Amazon Pay
            (or enter a card) and come back here. A saved Amazon Pay can be charged in{' '}
            <span data-testid="amazon-pay-currencies">{amazonPayCurrencyList()}</span>.
          </p>
          <div
            className="terms"
            data-testid="mandate-terms"
            data-terms-version={CURRENT_TERMS_VERSION}
            tabIndex={0}
            role="region"
            aria-label="Terms of the agreement"
          >
            {terms}
          </div>
          {user.emailVerified ? (
            <SaveAmazonPayForm
              termsVersion={CURRENT_TERMS_VERSION}
              frequencies={MANDATE_FREQUENCIES.map((value) => ({
                value,
                label: FREQUENCY_LABELS[value].choice,
              }))}
            />
          ) : (
            <p className="notice" data-testid="confirm-email-first">
              Confirm your email address ({user.email}) before saving a payment method: the agreement and
              every receipt are sent there. Follow the link we sent you, or have it sent again from{' '}
              <Link href="/account">your account page</Link>.
            </p>
          )}
        </>
      ) : (
        <p data-testid="amazon-pay-unavailable">{AMAZON_PAY_UNAVAILABLE}</p>
      )}
    </section>
  );
}
