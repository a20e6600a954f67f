import type { Metadata } from 'next';
import Link from 'next/link';
import { requireUser } from '@/lib/platform/auth';
import { signOutAction } from '../(auth)/actions';

export const metadata: Metadata = { title: 'Your account' };

export default async function AccountPage() {
  const user = await requireUser('/account');
  return (
    <section aria-labelledby="account-heading">
      <h1 id="account-heading">Hello, {user.name}</h1>
      <p className="muted">Signed in as {user.email}</p>
      <ul className="link-list">
        <li>
          <Link href="/account/orders">Your orders</Link>
        </li>
        <li>
          <Link href="/account/amazon-pay">Save Amazon Pay for later</Link> and manage saved payment methods
        </li>
      </ul>
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
