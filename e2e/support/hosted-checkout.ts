import { expect, type Page } from '@playwright/test';

export type ShippingAddress = {
  name: string;
  line1: string;
  city: string;
  postalCode: string;
  /** A country code among the session's allowed countries. */
  country: string;
  /** The shipping method's label start, e.g. 'Express shipping'; the preselected one when absent. */
  rate?: string;
};

const DEFAULT_ADDRESS: ShippingAddress = {
  name: 'Ada Lovelace',
  line1: '1 Main Street',
  city: 'Springfield',
  postalCode: '12345',
  country: 'US',
};

/** The emulator's shipping step, which comes before payment on every goods checkout. */
/** Fills Checkout's shipping step, on Stripe's page or in the embedded page's frame. */
export async function fillShipping(
  page: Pick<Page, 'getByRole' | 'getByLabel'>,
  address: ShippingAddress = DEFAULT_ADDRESS,
): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Shipping', exact: true })).toBeVisible();
  await page.getByLabel('Full name').fill(address.name);
  await page.getByLabel('Country or region').selectOption(address.country);
  await page.getByLabel('Address line 1').fill(address.line1);
  await page.getByLabel('City', { exact: true }).fill(address.city);
  await page.getByLabel('Postal code').fill(address.postalCode);
  if (address.rate) await page.getByRole('radio', { name: new RegExp(`^${address.rate}`) }).check();
  await page.getByRole('button', { name: 'Continue to payment' }).click();
  await expect(page.getByRole('heading', { name: 'Shipping to' })).toBeVisible();
}
