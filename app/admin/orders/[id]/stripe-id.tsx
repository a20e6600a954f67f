import { stripeDashboardUrl } from '@/lib/stripe/dashboard';

/** A Stripe id, linked to the Dashboard when the shop talks to real Stripe. */
export function StripeId({ id }: { id: string | null }) {
  if (!id) return <span className="muted">—</span>;
  const url = stripeDashboardUrl(id);
  return url ? (
    <a className="mono" href={url} target="_blank" rel="noreferrer">
      {id}
    </a>
  ) : (
    <span className="mono">{id}</span>
  );
}
