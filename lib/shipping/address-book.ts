import 'server-only';
import { z } from 'zod';
import { db } from '../platform/db';
import { env } from '../platform/env';
import { addressLines } from './address';

/**
 * The addresses a customer keeps on their account for pay-later orders (Checkout
 * collects its own). The same rules for a new address typed at the order and one
 * saved in the book: the shop's countries only, and the fields a label needs.
 */

/** How many addresses one account may keep. */
export const ADDRESS_BOOK_LIMIT = 20;

const text = (label: string, max: number) =>
  z
    .string({ error: `Enter the ${label}.` })
    .trim()
    .min(1, `Enter the ${label}.`)
    .max(max, `The ${label} is at most ${max} characters.`);
const optional = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `The ${label} is at most ${max} characters.`)
    .nullish()
    .transform((value) => value || null);

export const addressSchema = z.object({
  name: text('name', 100),
  line1: text('street address', 200),
  line2: optional('second address line', 200),
  city: text('city', 100),
  state: optional('state or region', 100),
  postalCode: optional('postal code', 20),
  country: z
    .string({ error: 'Choose a country.' })
    .trim()
    .toUpperCase()
    .refine((code) => env().shipToCountries.includes(code), {
      error: 'We do not ship to that country.',
    }),
});
export type AddressInput = z.infer<typeof addressSchema>;
export type SavedAddress = AddressInput & { id: string };

/** The fields of an address form, by name, as FormData carries them. */
export const ADDRESS_FIELDS = ['name', 'line1', 'line2', 'city', 'state', 'postalCode', 'country'] as const;

export function readAddressForm(form: FormData, prefix = ''): Record<string, unknown> {
  return Object.fromEntries(
    ADDRESS_FIELDS.map((field) => [field, form.get(`${prefix}${field}`) ?? undefined]),
  );
}

/** Field errors by field name, the first message of each. */
export function addressErrors(error: z.ZodError): Partial<Record<(typeof ADDRESS_FIELDS)[number], string>> {
  const errors: Partial<Record<(typeof ADDRESS_FIELDS)[number], string>> = {};
  for (const issue of error.issues) {
    const field = issue.path[0] as (typeof ADDRESS_FIELDS)[number];
    errors[field] ??= issue.message;
  }
  return errors;
}

const select = {
  id: true,
  name: true,
  line1: true,
  line2: true,
  city: true,
  state: true,
  postalCode: true,
  country: true,
} as const;

export function listAddresses(userId: string): Promise<SavedAddress[]> {
  return db.address.findMany({ where: { userId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], select });
}

/** One of the account's own addresses; null for anyone else's. */
export function findAddress(userId: string, id: string): Promise<SavedAddress | null> {
  if (!z.uuid().safeParse(id).success) return Promise.resolve(null);
  return db.address.findFirst({ where: { id, userId }, select });
}

export type AddressChange = { ok: true; id: string } | { ok: false; message: string };

export async function addAddress(userId: string, address: AddressInput): Promise<AddressChange> {
  // Under the account's row lock, so two saves at once cannot both pass the limit.
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "User" WHERE id = ${userId} FOR UPDATE`;
    const count = await tx.address.count({ where: { userId } });
    if (count >= ADDRESS_BOOK_LIMIT) {
      return { ok: false, message: `An address book keeps at most ${ADDRESS_BOOK_LIMIT} addresses.` };
    }
    const created = await tx.address.create({ data: { userId, ...address }, select: { id: true } });
    return { ok: true, id: created.id };
  });
}

export async function updateAddress(userId: string, id: string, address: AddressInput): Promise<boolean> {
  if (!z.uuid().safeParse(id).success) return false;
  const { count } = await db.address.updateMany({ where: { id, userId }, data: address });
  return count === 1;
}

export async function deleteAddress(userId: string, id: string): Promise<boolean> {
  if (!z.uuid().safeParse(id).success) return false;
  const { count } = await db.address.deleteMany({ where: { id, userId } });
  return count === 1;
}

/** An address as the shipping columns of an order or a box. */
export const shippingColumns = (address: AddressInput) => ({
  shippingName: address.name,
  shippingLine1: address.line1,
  shippingLine2: address.line2,
  shippingCity: address.city,
  shippingState: address.state,
  shippingPostalCode: address.postalCode,
  shippingCountry: address.country,
});

/** An address on one line, for choosing among saved ones: the label's lines, joined. */
export function addressSummary(address: AddressInput): string {
  return addressLines(shippingColumns(address)).join(', ');
}

/** The choice that means "a new address, typed beside the list". */
export const NEW_ADDRESS = 'new';

export type AddressChoice =
  | { ok: true; address: AddressInput; isNew: boolean }
  | { ok: false; fieldErrors: Partial<Record<string, string>> };

/** The address a form chose: one of the account's saved ones (checked again), or a new one typed in `form`. */
export async function readAddressChoice(
  userId: string,
  choice: string,
  form: FormData,
): Promise<AddressChoice> {
  if (choice === NEW_ADDRESS) {
    const typed = addressSchema.safeParse(readAddressForm(form));
    return typed.success
      ? { ok: true, address: typed.data, isNew: true }
      : { ok: false, fieldErrors: addressErrors(typed.error) };
  }
  const saved = await findAddress(userId, choice);
  if (!saved) return { ok: false, fieldErrors: { address: 'Choose one of your addresses, or a new one.' } };
  const { id: _id, ...rest } = saved;
  // A saved address is checked again: the shop may have stopped shipping there since.
  const checked = addressSchema.safeParse(rest);
  return checked.success
    ? { ok: true, address: checked.data, isNew: false }
    : { ok: false, fieldErrors: { address: 'We do not ship to that address.' } };
}
