import { redirect } from 'next/navigation';
import { requireAdmin } from '@/lib/platform/auth';

/** The admin starts at the order list. */
export default async function AdminHomePage() {
  await requireAdmin();
  redirect('/admin/orders');
}
