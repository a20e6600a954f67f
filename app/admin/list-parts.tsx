import Link from 'next/link';
import { listHref, type Page } from '@/lib/admin/keyset';

/** The status filter of an admin list: plain links, so the filter lives in the URL and works without JavaScript. */
export function StatusFilter<S extends string>(props: {
  path: string;
  label: string;
  current: S | undefined;
  statuses: readonly S[];
  labels: Record<S, string>;
}) {
  const { path, label, current, statuses, labels } = props;
  const options: Array<{ status: S | undefined; text: string }> = [
    { status: undefined, text: 'All' },
    ...statuses.map((status) => ({ status, text: labels[status] })),
  ];
  return (
    <nav aria-label={label}>
      <ul style={{ display: 'flex', flexWrap: 'wrap', gap: '1rem', listStyle: 'none', padding: 0 }}>
        {options.map((option) => (
          <li key={option.status ?? 'all'}>
            <Link
              href={listHref(path, option.status)}
              aria-current={option.status === current ? 'page' : undefined}
            >
              {option.status === current ? <strong>{option.text}</strong> : option.text}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Newer and older links of a keyset page; the filter is kept. */
export function Pager({
  path,
  status,
  page,
}: {
  path: string;
  status: string | undefined;
  page: Page<unknown>;
}) {
  if (!page.previous && !page.next) return null;
  return (
    <nav aria-label="Pages" style={{ display: 'flex', justifyContent: 'space-between' }}>
      {page.previous ? (
        <Link href={listHref(path, status, { before: page.previous })}>← Newer</Link>
      ) : (
        <span />
      )}
      {page.next ? <Link href={listHref(path, status, { after: page.next })}>Older →</Link> : <span />}
    </nav>
  );
}
