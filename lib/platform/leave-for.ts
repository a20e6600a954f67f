import 'server-only';
import { redirect } from 'next/navigation';
import { env } from './env';

/**
 * Where a server action sends the browser next: another site (Stripe's hosted
 * page) by redirect; one of the shop's own pages as `{ navigate }`, for the form
 * to load as a new document (app/_components/full-page-navigation.tsx), since a
 * redirect would be a client-side navigation that keeps the current page's CSP.
 */
export function leaveFor(url: string): { navigate: string } {
  const own = env().appUrl;
  if (url.startsWith(`${own}/`)) return { navigate: url.slice(own.length) };
  redirect(url);
}
