import Link from 'next/link';
import { currentUser } from '@/lib/auth';
import { signOutAction } from './(auth)/actions';

/** The header's account links: sign in for visitors; account, admin and sign out for members. */
export async function AccountNav() {
  const user = await currentUser();
  if (!user) return <Link href="/sign-in">Sign in</Link>;
  return (
    <>
      {user.role === 'admin' && <Link href="/admin">Admin</Link>}
      <Link href="/account">Account</Link>
      <form action={signOutAction} className="header-form">
        <button type="submit" className="link-button">
          Sign out
        </button>
      </form>
    </>
  );
}
