import Link from 'next/link';
import { filtersToSearchParams, type AdminOrderPage, type OrderFilters } from '@/lib/admin/orders';

function pageHref(filters: OrderFilters, cursor: { after?: string; before?: string }): string {
  const params = filtersToSearchParams(filters);
  if (cursor.after) params.set('after', cursor.after);
  if (cursor.before) params.set('before', cursor.before);
  return `/admin/orders?${params}`;
}

/** Previous and next pages of the same filtered list; the cursors sit in the URL with the filters. */
export function Pagination({ filters, page }: { filters: OrderFilters; page: AdminOrderPage }) {
  if (!page.previous && !page.next) return null;
  return (
    <nav aria-label="Pages" className="admin-pager">
      {page.previous ? (
        <Link href={pageHref(filters, { before: page.previous })} rel="prev">
          ← Previous
        </Link>
      ) : (
        <span />
      )}
      {page.next ? (
        <Link href={pageHref(filters, { after: page.next })} rel="next">
          Next →
        </Link>
      ) : (
        <span />
      )}
    </nav>
  );
}
