import type { Metadata } from 'next';
import { requireAdmin } from '@/lib/platform/auth';
import { AdminNav } from './admin-nav';
import './admin.css';

export const metadata: Metadata = { robots: { index: false, follow: false } };

/**
 * Everything under /admin. The check here keeps the navigation from anyone
 * else; every page, action and route handler below checks again on its own,
 * because Next renders a layout and its page independently (and actions and
 * route handlers never pass through a layout).
 */
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  await requireAdmin();
  return (
    <div className="admin">
      <AdminNav />
      <div className="admin-body">{children}</div>
    </div>
  );
}
