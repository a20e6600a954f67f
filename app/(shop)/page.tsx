import Image from 'next/image';
import Link from 'next/link';
import { listProducts } from '@/lib/catalog';
import { formatMoney } from '@/lib/money';

export default async function CatalogPage() {
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
                <Image src={product.image} alt="" width={400} height={400} unoptimized />
                <span className="product-name">{product.name}</span>
                <span className="price">{formatMoney({ amount: product.unitAmount, currency: product.currency })}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
