'use client';

import { usePathname } from 'next/navigation';
import { useEffect } from 'react';
import { refreshSessionSummary } from './session-summary';

/**
 * Fetches the header's per-visitor part on the first page and after every
 * navigation (a sign-in, a checkout or another tab may have changed it), and
 * when the browser shows a page again from its back/forward cache.
 */
export function SessionSummaryLoader() {
  const pathname = usePathname();
  useEffect(() => {
    refreshSessionSummary();
  }, [pathname]);
  useEffect(() => {
    const onPageShow = (event: PageTransitionEvent) => {
      if (event.persisted) refreshSessionSummary();
    };
    window.addEventListener('pageshow', onPageShow);
    return () => window.removeEventListener('pageshow', onPageShow);
  }, []);
  return null;
}
