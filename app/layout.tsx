import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { env } from '@/lib/env';
import { AccountNav } from './account-nav';
import { CartBadge } from './(shop)/cart/cart-badge';
import './globals.css';

export function generateMetadata(): Metadata {
  const { shopName } = env();
  return {
    metadataBase: new URL(env().appUrl),
    title: { default: shopName, template: `%s · ${shopName}` },
    description: 'Goods from small makers, paid with card or Amazon Pay.',
  };
}

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
            <Suspense fallback={null}>
              <AccountNav />
            </Suspense>
            <Suspense fallback={<Link href="/cart">Cart</Link>}>
              <CartBadge />
            </Suspense>
          </nav>
        </header>
        <main id="main">{children}</main>
        <footer className="site-footer">
          <p>Prices include taxes where they apply. Pay by card or Amazon Pay.</p>
        </footer>
      </body>
    </html>
  );
}
