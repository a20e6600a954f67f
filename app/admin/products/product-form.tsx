'use client';

import { useActionState } from 'react';
import { FormError, FormField } from '@/app/_components/form-field';
import { saveProductAction, type ProductFormState, type ProductFormValues } from './actions';

type Props = {
  /** Absent for a new product. */
  id?: string;
  initial: ProductFormValues;
  currencies: readonly string[];
  /** The product has been ordered: its currency is fixed. */
  currencyFixed: boolean;
  /** The current image, shown beside the upload field. */
  image?: string;
};

/** Create or edit a product; errors beside each field, nothing stored until every field is right. */
export function ProductForm({ id, initial, currencies, currencyFixed, image }: Props) {
  const [state, formAction, pending] = useActionState<ProductFormState, FormData>(saveProductAction, {
    seq: 0,
  });
  const values = state.values ?? initial;
  const errors = state.fieldErrors ?? {};
  return (
    <form action={formAction} className="auth-form product-form" noValidate data-testid="product-form">
      {id && <input type="hidden" name="id" value={id} />}
      {id && <input type="hidden" name="stockShown" value={initial.stock} />}
      {/* Keyed by answer: after a refused save the fields start again from what was typed (a file must be chosen again). */}
      <fieldset key={state.seq} className="form-fields">
        <legend className="visually-hidden">Product details</legend>
        <FormField
          id="product-name"
          label="Name"
          error={errors.name}
          control={(aria) => <input {...aria} name="name" maxLength={120} defaultValue={values.name} />}
        />
        <FormField
          id="product-slug"
          label="Address name (slug)"
          error={errors.slug}
          hint="Lower-case letters, digits and hyphens: the product's page is /products/<slug>."
          control={(aria) => <input {...aria} name="slug" maxLength={120} defaultValue={values.slug} />}
        />
        <FormField
          id="product-description"
          label="Description"
          error={errors.description}
          wide
          control={(aria) => (
            <textarea
              {...aria}
              name="description"
              rows={4}
              maxLength={5000}
              defaultValue={values.description}
            />
          )}
        />
        <FormField
          id="product-price"
          label="Price"
          error={errors.price}
          hint="In the currency's main unit, e.g. 24.50 (yen: whole numbers)."
          control={(aria) => (
            <input
              {...aria}
              name="price"
              inputMode="decimal"
              autoComplete="off"
              defaultValue={values.price}
            />
          )}
        />
        <FormField
          id="product-currency"
          label="Currency"
          error={errors.currency}
          hint={currencyFixed ? 'Fixed: this product has been ordered.' : undefined}
          control={(aria) =>
            currencyFixed ? (
              <>
                <input type="hidden" name="currency" value={values.currency} />
                <input {...aria} value={values.currency.toUpperCase()} readOnly />
              </>
            ) : (
              <select {...aria} name="currency" defaultValue={values.currency}>
                {currencies.map((currency) => (
                  <option key={currency} value={currency}>
                    {currency.toUpperCase()}
                  </option>
                ))}
              </select>
            )
          }
        />
        <FormField
          id="product-stock"
          label="Stock"
          error={errors.stock}
          hint="Units left to sell. Leave empty for made to order (no limit)."
          control={(aria) => <input {...aria} name="stock" inputMode="numeric" defaultValue={values.stock} />}
        />
        <FormField
          id="product-image"
          label={id ? 'New image (optional)' : 'Image'}
          error={errors.image}
          hint="PNG, JPEG or WebP, at most 2 MB."
          control={(aria) => (
            <input {...aria} name="image" type="file" accept="image/png,image/jpeg,image/webp" />
          )}
        />
        {image && (
          // eslint-disable-next-line @next/next/no-img-element -- a thumbnail of what is stored, served as it is
          <img src={image} alt="Current image" width={96} height={96} className="product-thumb" />
        )}
        <div className="field field-wide">
          <label>
            <input type="checkbox" name="active" defaultChecked={values.active} /> Active (shown and sold in
            the shop)
          </label>
        </div>
      </fieldset>
      <FormError message={state.error} />
      <button type="submit" disabled={pending}>
        {pending ? 'Saving…' : id ? 'Save changes' : 'Create product'}
      </button>
    </form>
  );
}
