import Link from 'next/link';
import { pageHref, type Page } from '@/lib/admin/keyset';

/**
 * Previous and next pages of a filtered admin list at `path`: the cursors sit in the URL
 * beside the list's filters (`filters`, as its URL parameters), which the links keep.
 */
export function Pagination({
  path,
  filters,
  page,
}: {
  path: string;
  filters: URLSearchParams;
  page: Pick<Page<unknown>, 'previous' | 'next'>;
}) {
  if (!page.previous && !page.next) return null;
  return (
    <nav aria-label="Pages" className="admin-pager">
      {page.previous ? (
        <Link href={pageHref(path, filters, { before: page.previous })} rel="prev">
          ← Previous
        </Link>
      ) : (
        <span />
      )}
      {page.next ? (
        <Link href={pageHref(path, filters, { after: page.next })} rel="next">
          Next →
        </Link>
      ) : (
        <span />
      )}
    </nav>
  );
}
