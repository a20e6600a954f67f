import type { Metadata } from 'next';
import Link from 'next/link';
import { FormError } from '@/app/_components/form-field';
import { requireUser } from '@/lib/platform/auth';
import { signOutAction } from '../(auth)/actions';
import { ResendVerification } from './resend-verification';

export const metadata: Metadata = { title: 'Your account' };

type Props = { searchParams: Promise<{ verified?: string; error?: string }> };

/** What a verification link that did not work says, by better-auth's error code. */
const LINK_ERRORS: Record<string, string> = {
  TOKEN_EXPIRED: 'That confirmation link has expired. Send yourself a new one below.',
  INVALID_TOKEN: 'That confirmation link is not valid. Send yourself a new one below.',
};

export default async function AccountPage({ searchParams }: Props) {
  const [user, query] = await Promise.all([requireUser('/account'), searchParams]);
  const linkError = query.error ? (LINK_ERRORS[query.error] ?? LINK_ERRORS.INVALID_TOKEN) : null;
  return (
    <section aria-labelledby="account-heading">
      <h1 id="account-heading">Hello, {user.name}</h1>
      <p className="muted">Signed in as {user.email}</p>
      <FormError message={linkError} />
      {!linkError && query.verified === '1' && user.emailVerified && (
        <p className="notice" role="status">
          Thank you: your email address is confirmed.
        </p>
      )}
      <ul className="link-list">
        <li>
          <Link href="/account/orders">Your orders</Link>
        </li>
        <li>
          <Link href="/account/amazon-pay">Save Amazon Pay for later</Link> and manage saved payment methods
        </li>
        <li>
          <Link href="/account/addresses">Your addresses</Link> for orders charged when they ship
        </li>
        <li>
          <Link href="/account/box">Your monthly box</Link>: status, next charge, cancel or resume
        </li>
      </ul>

      <h2>Email</h2>
      <p data-testid="account-email">
        We send order confirmations, receipts, shipping news and anything about a saved payment method to{' '}
        <strong>{user.email}</strong>
        {user.emailVerified ? (
          <span data-testid="email-status"> (confirmed).</span>
        ) : (
          <span data-testid="email-status"> (not confirmed yet).</span>
        )}{' '}
        An order&apos;s emails go to the address given at checkout.
      </p>
      {!user.emailVerified && (
        <>
          <p>
            Follow the link we sent to confirm it. Until then you can shop as a guest does, but not save a
            payment method.
          </p>
          <ResendVerification />
        </>
      )}
      {/* The header's sign-out button needs JavaScript (cached pages cannot know who is signed in); this is for browsers without. */}
      <noscript>
        <form action={signOutAction}>
          <button type="submit" className="link-button">
            Sign out
          </button>
        </form>
      </noscript>
    </section>
  );
}
