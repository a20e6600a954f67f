import { readCartId, writeCartId } from '@/app/(shop)/cart/cart-cookie';
import type { SessionSummary } from '@/app/session-summary';
import { currentUser } from '@/lib/platform/auth';
import { countCartItems } from '@/lib/cart/cart';

export const dynamic = 'force-dynamic';

/**
 * The header's per-visitor part, which the cached pages cannot carry: the
 * cart's item count and who is signed in (name and role only). Per visitor,
 * so never stored by the browser or anything between. Asked for on every
 * page, so it also renews the cart cookie: a cart lasts 30 days from the
 * last visit (add to cart only sets the cookie for a new cart).
 */
export async function GET(): Promise<Response> {
  const cartId = await readCartId();
  const [cartItems, user] = await Promise.all([countCartItems(cartId), currentUser()]);
  if (cartId) await writeCartId(cartId);
  const body: SessionSummary = { cartItems, user: user ? { name: user.name, role: user.role } : null };
  return Response.json(body, { headers: { 'Cache-Control': 'private, no-store' } });
}
