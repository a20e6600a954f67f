import Link from 'next/link';
import { countCartItems } from '@/lib/cart';
import { readCartId } from './cart-cookie';

export async function CartBadge() {
  const count = await countCartItems(await readCartId());
  return (
    <Link href="/cart" className="cart-link" data-testid="cart-link">
      Cart
      <span className="badge" data-testid="cart-count" aria-label={`${count} ${count === 1 ? 'item' : 'items'} in cart`}>
        {count}
      </span>
    </Link>
  );
}
