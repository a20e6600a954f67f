import 'server-only';
import { getIPFromHeader } from '@better-auth/core/utils/ip';
import { env } from './env';

/**
 * Who is asking, as far as the request says: for rate limits and for the
 * evidence kept with a payment agreement.
 *
 * The address comes from X-Forwarded-For, read by the rule better-auth applies
 * to its own limits (the same function, so every limit counts the same
 * address): a single address is taken as it is; a chain only when
 * TRUSTED_PROXIES names the proxies in front, and then it is walked from the
 * right past them. The leftmost entries are whatever the client wrote.
 *
 * `next start` keeps an X-Forwarded-For that the client sent and sets it from
 * the socket only when there is none, so when it faces the network itself a
 * client can name any single address. In production, run it behind a proxy
 * that sets or appends the header, and list that proxy in TRUSTED_PROXIES.
 */
export type ClientInfo = { ip: string | null; userAgent: string | null };

let warnedAboutChains = false;

function forwardedAddress(
  headers: Headers,
  trustedProxies: readonly string[],
  ipv6Subnet: number,
): string | null {
  const forwarded = headers.get('x-forwarded-for');
  if (!forwarded) return null;
  const ip = getIPFromHeader(forwarded, { trustedProxies: [...trustedProxies], ipv6Subnet });
  if (ip === null && trustedProxies.length === 0 && forwarded.includes(',') && !warnedAboutChains) {
    warnedAboutChains = true;
    console.warn(
      '[client-info] X-Forwarded-For holds several addresses and TRUSTED_PROXIES is empty: such requests share one ' +
        'rate-limit bucket. Set TRUSTED_PROXIES to the proxies in front of the app.',
    );
  }
  return ip;
}

/** The exact address (IPv6 written out in full) and the user agent, as evidence. */
export function clientInfo(
  headers: Headers,
  trustedProxies: readonly string[] = env().trustedProxies,
): ClientInfo {
  return {
    ip: forwardedAddress(headers, trustedProxies, 128),
    userAgent: headers.get('user-agent')?.slice(0, 512) ?? null,
  };
}

/**
 * What per-address limits count under: the address, an IPv6 one by its /64 network (one
 * customer's connection usually holds a whole /64, and could otherwise take a new address
 * per try, as better-auth's limits assume too). 'unknown' when the request names none we trust.
 */
export function clientAddressKey(
  headers: Headers,
  trustedProxies: readonly string[] = env().trustedProxies,
): string {
  return forwardedAddress(headers, trustedProxies, 64) ?? 'unknown';
}
