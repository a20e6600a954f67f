// Which address a request counts as, for the rate limits and the payment agreement's evidence.
// The header arrives as Next hands it on: the client's own X-Forwarded-For kept, the socket's
// address only when there was none, and each proxy in front appending the address it saw.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientAddressKey, clientInfo } from '../../lib/platform/client-info.ts';

const request = (forwardedFor?: string, userAgent?: string) =>
  new Headers({
    ...(forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }),
    ...(userAgent ? { 'user-agent': userAgent } : {}),
  });

const NO_PROXIES: string[] = [];
const PROXIES = ['198.51.100.0/24', '2001:db8:ffff::7'];

describe('client address', () => {
  it('takes a single address as it is; the evidence keeps an IPv6 one whole, the limits count its /64', () => {
    assert.equal(clientInfo(request('203.0.113.9'), NO_PROXIES).ip, '203.0.113.9');
    assert.equal(clientAddressKey(request('203.0.113.9'), NO_PROXIES), '203.0.113.9');
    assert.equal(
      clientInfo(request('2001:db8:1:2::5'), NO_PROXIES).ip,
      '2001:0db8:0001:0002:0000:0000:0000:0005',
    );
    // Another address in the same /64 is the same customer for the limits.
    assert.equal(
      clientAddressKey(request('2001:db8:1:2::5'), NO_PROXIES),
      clientAddressKey(request('2001:db8:1:2:ffff::9'), NO_PROXIES),
    );
    assert.notEqual(
      clientAddressKey(request('2001:db8:1:2::5'), NO_PROXIES),
      clientAddressKey(request('2001:db8:1:3::5'), NO_PROXIES),
    );
  });

  it('does not take the client’s word: without trusted proxies a chain names nobody', () => {
    // The leftmost entry is whatever the client wrote; a shop with no proxy listed cannot tell which entry is real.
    const spoofed = request('10.9.8.7, 203.0.113.9');
    assert.equal(clientInfo(spoofed, NO_PROXIES).ip, null);
    assert.equal(clientAddressKey(spoofed, NO_PROXIES), 'unknown');
  });

  it('walks a chain from the right past the trusted proxies to the first address they did not add', () => {
    // The client wrote 6.6.6.6; the CDN (trusted) appended the client's real address; the proxy in front of Next appended the CDN's.
    const chain = request('6.6.6.6, 203.0.113.9, 198.51.100.7');
    assert.equal(clientInfo(chain, PROXIES).ip, '203.0.113.9');
    assert.equal(clientAddressKey(chain, PROXIES), '203.0.113.9');
    // A different lie on the left changes nothing: the same customer, the same bucket.
    assert.equal(clientAddressKey(request('1.2.3.4, 203.0.113.9, 198.51.100.7'), PROXIES), '203.0.113.9');
    // Every hop trusted, or an entry that is not an address where the walk stops: nobody.
    assert.equal(clientInfo(request('198.51.100.8, 198.51.100.7'), PROXIES).ip, null);
    assert.equal(clientInfo(request('203.0.113.9, not-an-ip, 198.51.100.7'), PROXIES).ip, null);
  });

  it('gives nothing for a missing or malformed header, and caps the user agent', () => {
    assert.deepEqual(clientInfo(request(), NO_PROXIES), { ip: null, userAgent: null });
    assert.equal(clientInfo(request('<script>'), NO_PROXIES).ip, null);
    assert.equal(clientAddressKey(request(''), NO_PROXIES), 'unknown');
    assert.equal(clientInfo(request('203.0.113.9', 'x'.repeat(600)), NO_PROXIES).userAgent, 'x'.repeat(512));
  });
});
