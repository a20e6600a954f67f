import type { Metadata } from 'next';
import Link from 'next/link';
import { env } from '@/lib/platform/env';
import { AccountNav } from './account-nav';
import { CartBadge } from './(shop)/cart/cart-badge';
import { SessionSummaryLoader } from './session-summary-loader';
import './globals.css';

export function generateMetadata(): Metadata {
  const { shopName } = env();
  return {
    metadataBase: new URL(env().appUrl),
    title: { default: shopName, template: `%s · ${shopName}` },
    description: 'Goods from small makers, paid with card or Amazon Pay.',
  };
}

/**
 * Every page's frame. It reads nothing of the request (no cookies, no
 * session), so the catalog pages under it can be cached, the same bytes for
 * everyone; the header's cart count and account links are client components
 * that ask GET /api/session-summary for this visitor's (app/session-summary.ts).
 */
export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <Link href="/" className="brand">
            {env().shopName}
          </Link>
          <nav aria-label="Main">
            <Link href="/">Shop</Link>
            <Link href="/subscribe">Monthly box</Link>
            <AccountNav />
            <CartBadge />
          </nav>
          <SessionSummaryLoader />
        </header>
        <main id="main">{children}</main>
        <footer className="site-footer">
          <p>Prices include taxes where they apply. Pay by card or Amazon Pay.</p>
        </footer>
      </body>
    </html>
  );
}
