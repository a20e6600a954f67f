'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

const SECTIONS = [
  { href: '/admin/orders', label: 'Orders' },
  { href: '/admin/orders?fulfillment=to_ship&sort=oldest', label: 'To ship' },
  { href: '/admin/products', label: 'Products' },
  { href: '/admin/mandates', label: 'Mandates' },
  { href: '/admin/charges', label: 'Charges' },
  { href: '/admin/subscriptions', label: 'Subscriptions' },
  { href: '/admin/emails', label: 'Emails' },
  { href: '/admin/webhooks', label: 'Webhooks' },
] as const;

/** The admin's sections; the current one is marked for assistive technology too. */
export function AdminNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Admin" className="admin-nav">
      <ul>
        {SECTIONS.map((section) => {
          const current = pathname === section.href || pathname.startsWith(`${section.href}/`);
          return (
            <li key={section.href}>
              <Link href={section.href} aria-current={current ? 'page' : undefined}>
                {section.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
