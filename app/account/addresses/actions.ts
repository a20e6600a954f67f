'use server';

import { refresh } from 'next/cache';
import { notFound, redirect } from 'next/navigation';
import { z } from 'zod';
import { requireUser } from '@/lib/platform/auth';
import { isForm, UNREADABLE_FORM } from '@/lib/platform/form-input';
import {
  addAddress,
  addressErrors,
  addressSchema,
  deleteAddress,
  readAddressForm,
  updateAddress,
} from '@/lib/shipping/address-book';

export type AddressFormState = {
  error?: string;
  fieldErrors?: Partial<Record<string, string>>;
  values?: Record<string, string>;
};

const PAGE = '/account/addresses';

/** Adds an address, or changes one of the account's own (`id`); anyone else's is a 404. */
export async function saveAddressAction(
  _previous: AddressFormState,
  form: FormData,
): Promise<AddressFormState> {
  const user = await requireUser(PAGE);
  if (!isForm(form)) return { error: UNREADABLE_FORM };
  const raw = readAddressForm(form);
  const values = Object.fromEntries(
    Object.entries(raw).map(([key, value]) => [key, typeof value === 'string' ? value : '']),
  );
  const parsed = addressSchema.safeParse(raw);
  if (!parsed.success) return { values, fieldErrors: addressErrors(parsed.error) };
  const id = form.get('id');
  if (typeof id === 'string' && id !== '') {
    if (!(await updateAddress(user.id, id, parsed.data))) notFound();
  } else {
    const added = await addAddress(user.id, parsed.data);
    if (!added.ok) return { values, error: added.message };
  }
  redirect(`${PAGE}?saved=1`);
}

export async function deleteAddressAction(form: FormData): Promise<void> {
  const user = await requireUser(PAGE);
  const id = z.uuid().safeParse(isForm(form) ? form.get('id') : null);
  if (!id.success || !(await deleteAddress(user.id, id.data))) notFound();
  refresh();
}
