import type { Metadata } from 'next';
import Link from 'next/link';
import { listBoxesForUser, type BoxView } from '@/lib/billing/customer-boxes';
import { BOX_NAME } from '@/lib/billing/plan';
import {
  BILLED_SUBSCRIPTION_STATUSES,
  END_REASON_LABELS,
  SUBSCRIPTION_STATUS_LABELS,
} from '@/lib/billing/status';
import { formatMoney } from '@/lib/payments/money';
import { requireUser } from '@/lib/platform/auth';
import { Time } from '@/app/_components/time';
import { CancelOrResume } from './box-actions';

export const metadata: Metadata = { title: `Your ${BOX_NAME.toLowerCase()}` };

type Props = { searchParams: Promise<{ started?: string }> };

function BoxCard({ box }: { box: BoxView }) {
  const money = (amount: number) => formatMoney({ amount, currency: box.currency });
  const running = BILLED_SUBSCRIPTION_STATUSES.includes(box.status);
  return (
    <article className="box-card" data-testid="box" data-status={box.status} data-currency={box.currency}>
      <h2>
        {BOX_NAME}, {box.currency.toUpperCase()}:{' '}
        <span data-testid="box-status">{SUBSCRIPTION_STATUS_LABELS[box.status]}</span>
      </h2>
      <p>
        {money(box.unitAmount)} a month{box.method ? `, charged to your saved ${box.method}` : ''}. Ships to{' '}
        {box.shipTo}.
      </p>
      {box.status === 'pending' && (
        <p>
          Waiting for its first payment. Left the payment page?{' '}
          <Link href={`/subscribe?currency=${box.currency}`}>Continue subscribing</Link>.
        </p>
      )}
      {box.nextChargeAt && (
        <p data-testid="box-next-charge">
          Next charge: {money(box.unitAmount)} on <Time at={box.nextChargeAt} precision="day" />.
        </p>
      )}
      {box.cancelAtPeriodEnd && running && (
        <p data-testid="box-ending">
          Ends on <Time at={box.currentPeriodEnd} precision="day" />: nothing more is charged. The month paid
          for still ships.
        </p>
      )}
      {box.unpaidInvoice && (
        <div className="notice" role="status" data-testid="box-unpaid">
          <p>
            We could not collect {money(box.unpaidInvoice.amountDue)} for this month
            {box.unpaidInvoice.lastFailure ? ` (${box.unpaidInvoice.lastFailure})` : ''}.
            {box.unpaidInvoice.nextAttemptAt ? (
              <>
                {' '}
                We try again on <Time at={box.unpaidInvoice.nextAttemptAt} precision="day" />.
              </>
            ) : null}{' '}
            The box does not ship until it is paid.
          </p>
          {box.unpaidInvoice.url && (
            <p>
              <a className="button" href={box.unpaidInvoice.url}>
                Pay now
              </a>
            </p>
          )}
        </div>
      )}
      {box.endedAt && (
        <p data-testid="box-ended">
          Ended on <Time at={box.endedAt} precision="day" />
          {box.endReason ? `: ${END_REASON_LABELS[box.endReason] ?? box.endReason}` : ''}.
        </p>
      )}
      {running && <CancelOrResume subscriptionId={box.id} canceling={box.cancelAtPeriodEnd} />}
    </article>
  );
}

export default async function BoxPage({ searchParams }: Props) {
  const [user, query] = await Promise.all([requireUser('/account/box'), searchParams]);
  const boxes = await listBoxesForUser(user.id);
  return (
    <section aria-labelledby="boxes-heading">
      <h1 id="boxes-heading">Your {BOX_NAME.toLowerCase()}</h1>
      <p>
        <Link href="/account">← Your account</Link>
      </p>
      {query.started && (
        <p className="notice" role="status">
          Thank you for subscribing. Each month&apos;s box is charged on its renewal day and shipped after.
        </p>
      )}
      {boxes.length === 0 ? (
        <p>
          You have no monthly box. <Link href="/subscribe">Subscribe to the monthly box</Link>.
        </p>
      ) : (
        <>
          {boxes.map((box) => (
            <BoxCard key={box.id} box={box} />
          ))}
          <p>
            <Link href="/subscribe">Subscribe in another currency</Link>
          </p>
        </>
      )}
    </section>
  );
}
