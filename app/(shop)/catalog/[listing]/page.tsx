import Link from 'next/link';
import { notFound } from 'next/navigation';
import { listProducts } from '@/lib/catalog/products';
import { formatMoney } from '@/lib/payments/money';
import { ProductImage } from '../../product-image';

/**
 * The catalog, served at `/` (next.config.ts rewrites it here). Cached like a
 * product page: rendered on its first request, not at build time (nothing is
 * listed here), kept in memory and rendered again when the catalog's cache
 * tags are revalidated (lib/catalog/products.ts) or after an hour. Nothing in this
 * page or its layouts may read the request: the header's cart count and
 * account links are fetched by the browser (app/session-summary.ts).
 */
export const dynamicParams = true;
export const revalidate = 3600;

export function generateStaticParams(): { listing: string }[] {
  return [];
}

/** The listings there are; `all` is the whole catalog. */
const LISTINGS = new Set(['all']);

type Props = { params: Promise<{ listing: string }> };

export default async function CatalogPage({ params }: Props) {
  if (!LISTINGS.has((await params).listing)) notFound();
  const products = await listProducts();
  return (
    <section aria-labelledby="catalog-heading">
      <h1 id="catalog-heading">Goods from small makers</h1>
      {products.length === 0 ? (
        <p>Nothing is for sale right now. Please come back soon.</p>
      ) : (
        <ul className="product-grid">
          {products.map((product) => (
            <li key={product.id} className="product-card">
              <Link href={`/products/${product.slug}`}>
                <ProductImage src={product.image} alt="" width={400} height={400} />
                <span className="product-name">{product.name}</span>
                <span className="price">
                  {formatMoney({ amount: product.unitAmount, currency: product.currency })}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
