'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { checkImage, MAX_IMAGE_BYTES, saveImage } from '@/lib/catalog/images';
import { createProduct, parseProductForm, updateProduct, type FieldErrors } from '@/lib/catalog/manage';
import { catalogChanged } from '@/lib/catalog/products';
import { requireAdmin } from '@/lib/platform/auth';
import { isForm, nextSeq, UNREADABLE_FORM } from '@/lib/platform/form-input';

export type ProductFormValues = Record<
  'name' | 'slug' | 'description' | 'price' | 'currency' | 'stock',
  string
> & {
  active: boolean;
};

export type ProductFormState = {
  /** Counts answers: the form's fields mount again from `values` after each (React resets a form after its action). */
  seq: number;
  values?: ProductFormValues;
  fieldErrors?: FieldErrors;
  error?: string;
};

const text = (value: FormDataEntryValue | null) => (typeof value === 'string' ? value : '');
const idSchema = z.uuid();
/** What the stock field showed when the form was rendered: '' for made to order. */
const shownSchema = z.union([z.literal('').transform(() => null), z.coerce.number().int().min(0)]);

/**
 * Creates or changes a product. Admins only (anyone else gets requireAdmin's 404).
 * Every field is checked, and the image by its bytes, before anything is stored:
 * a refused form stores no image and changes no product.
 */
export async function saveProductAction(
  previous: ProductFormState,
  form: FormData,
): Promise<ProductFormState> {
  await requireAdmin();
  const seq = nextSeq(previous);
  if (!isForm(form)) return { seq, error: UNREADABLE_FORM };
  const values: ProductFormValues = {
    name: text(form.get('name')),
    slug: text(form.get('slug')),
    description: text(form.get('description')),
    price: text(form.get('price')),
    currency: text(form.get('currency')),
    stock: text(form.get('stock')),
    active: form.get('active') === 'on',
  };
  const rawId = form.get('id');
  const id = rawId === null || rawId === '' ? null : idSchema.safeParse(rawId).data;
  const stockShown = shownSchema.safeParse(text(form.get('stockShown')));
  if (id === undefined || (id && !stockShown.success)) {
    return { seq, values, error: 'This form is out of date. Reload the page and try again.' };
  }

  const parsed = parseProductForm(values);
  const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors };
  const file = form.get('image');
  let image: { bytes: Uint8Array; extension: 'png' | 'jpg' | 'webp' } | null = null;
  if (file instanceof File && file.size > 0) {
    if (file.size > MAX_IMAGE_BYTES) errors.image = 'The image must be at most 2 MB.';
    else {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const checked = checkImage(bytes);
      if (checked.ok) image = { bytes, extension: checked.extension };
      else errors.image = checked.message;
    }
  } else if (!id) {
    errors.image = 'Choose an image: PNG, JPEG or WebP, at most 2 MB.';
  }
  if (!parsed.ok || Object.keys(errors).length > 0) return { seq, values, fieldErrors: errors };

  const imagePath = image ? await saveImage(image.bytes, image.extension) : null;
  const result = id
    ? await updateProduct(id, parsed.product, imagePath, stockShown.success ? stockShown.data : null)
    : await createProduct(parsed.product, imagePath!);
  if (!result.ok) return { seq, values, fieldErrors: result.errors, error: result.message };
  // After the commit, so a page rendered again reads the new row; shared with the other instances.
  for (const slug of result.changedSlugs) catalogChanged(slug);
  redirect(`/admin/products/${result.id}?saved=1`);
}
