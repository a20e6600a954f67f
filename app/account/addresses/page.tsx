import type { Metadata } from 'next';
import Link from 'next/link';
import { requireUser } from '@/lib/platform/auth';
import { env } from '@/lib/platform/env';
import { addressSummary, listAddresses } from '@/lib/shipping/address-book';
import { countryName } from '@/lib/shipping/countries';
import { deleteAddressAction } from './actions';
import { AddressForm } from './address-form';

export const metadata: Metadata = { title: 'Your addresses' };

type Props = { searchParams: Promise<{ edit?: string; saved?: string }> };

/** The address book: the addresses a pay-later order can ship to, kept, changed and deleted here. */
export default async function AddressesPage({ searchParams }: Props) {
  const [user, query] = await Promise.all([requireUser('/account/addresses'), searchParams]);
  const addresses = await listAddresses(user.id);
  const editing = addresses.find((address) => address.id === query.edit);
  const countries = env().shipToCountries.map((code) => ({ code, name: countryName(code) }));
  return (
    <section aria-labelledby="addresses-heading">
      <h1 id="addresses-heading">Your addresses</h1>
      <p className="muted">
        Orders you place to be charged when they ship go to one of these. Checkout asks for its own.
      </p>
      {query.saved === '1' && (
        <p className="notice" role="status">
          Address saved.
        </p>
      )}
      {addresses.length === 0 ? (
        <p>No addresses yet.</p>
      ) : (
        <ul className="link-list" data-testid="addresses">
          {addresses.map((address) => (
            <li key={address.id} data-testid="address">
              {addressSummary(address)} · <Link href={`/account/addresses?edit=${address.id}`}>Edit</Link>{' '}
              <form action={deleteAddressAction} className="inline-form">
                <input type="hidden" name="id" value={address.id} />
                <button
                  type="submit"
                  className="link-button"
                  aria-label={`Delete ${address.name}, ${address.line1}`}
                >
                  Delete
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
      {editing ? (
        <>
          <h2>Edit address</h2>
          <AddressForm key={editing.id} countries={countries} address={editing} />
          <p>
            <Link href="/account/addresses">Cancel</Link>
          </p>
        </>
      ) : (
        <>
          <h2>Add an address</h2>
          <AddressForm countries={countries} />
        </>
      )}
    </section>
  );
}
