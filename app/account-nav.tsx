'use client';

import Link from 'next/link';
import { useEffect, useRef } from 'react';
import { useFormStatus } from 'react-dom';
import { signOutAction } from './(auth)/actions';
import { refreshSessionSummary, useSessionSummary } from './session-summary';

/**
 * The header's account links: sign in for visitors; account, admin and sign
 * out for members. Who is signed in comes from the browser's request for it
 * (app/session-summary.ts); until then, and without JavaScript, one "Account"
 * link, which takes visitors to sign in first (the account page has a sign-out
 * form of its own for browsers without JavaScript).
 */
export function AccountNav() {
  const { user } = useSessionSummary();
  if (user === undefined) return <Link href="/account">Account</Link>;
  if (user === null) return <Link href="/sign-in">Sign in</Link>;
  return (
    <>
      {user.role === 'admin' && <Link href="/admin">Admin</Link>}
      <Link href="/account">Account</Link>
      <form action={signOutAction} className="header-form">
        <SignOutButton />
      </form>
    </>
  );
}

/** Asks for the summary again once signing out is done: it redirects to `/`, which may be the page already shown. */
function SignOutButton() {
  const { pending } = useFormStatus();
  const wasPending = useRef(false);
  useEffect(() => {
    if (wasPending.current && !pending) refreshSessionSummary();
    wasPending.current = pending;
  }, [pending]);
  return (
    <button type="submit" className="link-button" disabled={pending}>
      Sign out
    </button>
  );
}
