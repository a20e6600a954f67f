import 'server-only';
import { cookies } from 'next/headers';
import { CART_COOKIE, signCartId, verifyCartCookie } from '@/lib/cart/cart';
import { env } from '@/lib/platform/env';

/** The cart id from the signed cookie, or null (a tampered or foreign cookie counts as none). */
export async function readCartId(): Promise<string | null> {
  const jar = await cookies();
  return verifyCartCookie(jar.get(CART_COOKIE)?.value);
}

/** Only callable from server actions and route handlers. */
export async function writeCartId(cartId: string): Promise<void> {
  const jar = await cookies();
  jar.set(CART_COOKIE, signCartId(cartId), {
    httpOnly: true,
    sameSite: 'lax',
    secure: env().nodeEnv === 'production' && env().appUrl.startsWith('https:'),
    path: '/',
    maxAge: 60 * 60 * 24 * 30,
  });
}
