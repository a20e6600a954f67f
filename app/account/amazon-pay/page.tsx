import type { Metadata } from 'next';
import Link from 'next/link';
import { requireUser } from '@/lib/platform/auth';
import { listAccountCharges, type AccountCharge } from '@/lib/mandates/charges';
import { DataTable } from '@/app/_components/data-table';
import { formatTime, Time } from '@/app/_components/time';
import { CURRENT_TERMS_VERSION, MANDATE_FREQUENCIES, termsText } from '@/lib/mandates/terms';
import {
  AMAZON_PAY_UNAVAILABLE,
  listMandatesForUser,
  termsValues,
  type MandateView,
} from '@/lib/mandates/agreements';
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

const methodOf = (mandate: MandateView) =>
  mandate.paymentMethodType ? PAYMENT_METHOD_LABELS[mandate.paymentMethodType] : '—';
const amountOf = (charge: AccountCharge) => formatMoney({ amount: charge.amount, currency: charge.currency });

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
        <DataTable
          caption="Your saved payment methods and agreements"
          testId="mandates"
          rows={agreements}
          rowKey={(mandate) => mandate.id}
          rowTestId="mandate-row"
          rowData={(mandate) => ({ 'data-status': mandate.status })}
          columns={[
            { header: 'Method', cell: methodOf },
            {
              header: 'Status',
              cell: (mandate) => (
                <>
                  <span data-testid="mandate-status">{MANDATE_STATUS_LABELS[mandate.status]}</span>
                  {mandate.revokedBy && (
                    <span className="muted" data-testid="mandate-ended-by">
                      {' '}
                      ({REVOKED_BY_LABELS[mandate.revokedBy].customer})
                    </span>
                  )}
                </>
              ),
            },
            { header: 'Charges', cell: (mandate) => FREQUENCY_LABELS[mandate.frequency].short },
            { header: 'Agreed', cell: (mandate) => <Time at={mandate.acceptedAt} /> },
            { header: 'Terms', cell: (mandate) => mandate.termsVersion },
            {
              header: 'Actions',
              headerHidden: true,
              cell: (mandate) =>
                mandate.status === 'active' && (
                  <RevokeButton
                    mandateId={mandate.id}
                    label={`${methodOf(mandate)} saved ${formatTime(mandate.acceptedAt)}`}
                  />
                ),
            },
          ]}
        />
      )}

      {charges.length > 0 && (
        <>
          <h2>Charges on your saved methods</h2>
          <DataTable
            caption="Charges made on your saved payment methods"
            testId="charges"
            rows={charges}
            rowKey={(charge) => charge.id}
            rowTestId="charge-row"
            columns={[
              { header: 'Date', cell: (charge) => <Time at={charge.createdAt} /> },
              { header: 'For', cell: (charge) => charge.description },
              {
                header: 'Order',
                cell: (charge) => (
                  <Link href={`/orders/${charge.orderAccessToken}`}>#{charge.orderNumber}</Link>
                ),
              },
              {
                header: 'Status',
                testId: 'charge-status',
                cell: (charge) =>
                  PAY_NOW_STATUSES.includes(charge.orderStatus) ? (
                    <>
                      <span>{ORDER_STATUS_LABELS[charge.orderStatus]}</span>{' '}
                      <PayNowButton
                        orderId={charge.orderId}
                        label={`${charge.description}, ${amountOf(charge)}`}
                      />
                    </>
                  ) : (
                    ORDER_STATUS_LABELS[charge.orderStatus]
                  ),
              },
              { header: 'Amount', cell: amountOf },
            ]}
          />
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
