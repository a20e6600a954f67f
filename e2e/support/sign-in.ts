import { expect, type Browser, type Page } from '@playwright/test';
import { emailTo, linkIn } from './mail';
import { stackInfo } from './stack';

/** Signs in through the form and waits to land on `next` (a path, with its query if any). */
export async function signIn(page: Page, email: string, password: string, next: string): Promise<void> {
  await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(new RegExp(`${next.replaceAll('/', '\\/').replaceAll('?', '\\?')}$`));
}

/**
 * Signs up through the form and waits for the account page; then, unless `confirm` is false,
 * follows the link of the verification email MailDev received, as its owner would.
 */
export async function signUp(
  page: Page,
  email: string,
  password = 'correct horse battery',
  name = 'Grace Hopper',
  confirm = true,
): Promise<void> {
  await page.goto('/sign-up');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/account$/);
  if (confirm) await confirmEmail(page, email);
}

/** Follows the link of the verification email sent to `email`, and lands on the account page. */
export async function confirmEmail(page: Page, email: string): Promise<void> {
  const message = await emailTo(email, /^Confirm your email address/);
  await page.goto(linkIn(message, `${stackInfo().appUrl}/api/auth/verify-email?`));
  await expect(page).toHaveURL(/\/account\?verified=1$/);
  await expect(page.getByText('Thank you: your email address is confirmed.')).toBeVisible();
}

/** A browser context of its own (its own cookies), signed in, on `next`. */
export async function signedInPage(
  browser: Browser,
  email: string,
  password: string,
  next: string,
): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email, password, next);
  return page;
}
