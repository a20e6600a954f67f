import type { Page } from '@playwright/test';

/**
 * Collects what Chromium refused under a Content-Security-Policy on this page (it says so on the console), so a
 * test can fail on it: a blocked script or form post otherwise shows only as something quietly not working.
 */
export function recordCspViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(`${page.url()}: ${message.text()}`);
  });
  return violations;
}
