// The Stripe.js stand-in served at /v3/stripe.js: `window.Stripe` with what the shop calls of it, so
// that @stripe/stripe-js's loadStripe (which injects nothing when window.Stripe exists) resolves
// with it. createEmbeddedCheckoutPage mounts the emulator's embedded page for the session its
// client secret names in a frame, sizes the frame to its page, and when the page says the session
// is complete, takes the top window to the session's return_url, as Stripe.js does. Plain
// JavaScript in a string: it runs in the shop's page, not in the emulator.

export const STRIPE_JS_STAND_IN = `(() => {
  'use strict';
  const script = document.currentScript;
  const origin = script ? new URL(script.src).origin : '';
  const SECRET = /^cs_(test|live)_[A-Za-z0-9]+_secret_[A-Za-z0-9]+$/;

  class IntegrationError extends Error {
    constructor(message) {
      super(message);
      this.name = 'IntegrationError';
    }
  }

  let mounted = false;

  async function createEmbeddedCheckoutPage(options) {
    if (!options || (typeof options.fetchClientSecret !== 'function' && typeof options.clientSecret !== 'string')) {
      throw new IntegrationError('createEmbeddedCheckoutPage needs fetchClientSecret or clientSecret.');
    }
    const secret = options.clientSecret ?? (await options.fetchClientSecret());
    if (typeof secret !== 'string' || !SECRET.test(secret)) {
      throw new IntegrationError('Invalid client secret: it is not the client_secret of a Checkout Session.');
    }
    let frame = null;
    let destroyed = false;
    const onMessage = (event) => {
      if (!frame || event.origin !== origin || event.source !== frame.contentWindow) return;
      const data = event.data || {};
      if (data.type === 'stripe-emulator:resize' && typeof data.height === 'number') {
        frame.style.height = Math.ceil(data.height) + 'px';
      } else if (data.type === 'stripe-emulator:complete' && typeof data.url === 'string') {
        if (typeof options.onComplete === 'function') options.onComplete();
        window.location.assign(data.url);
      }
    };
    return {
      mount(location) {
        if (destroyed) throw new IntegrationError('This Embedded Checkout was destroyed.');
        if (mounted) throw new IntegrationError('Only one Embedded Checkout can be mounted at a time.');
        const parent = typeof location === 'string' ? document.querySelector(location) : location;
        if (!parent) throw new IntegrationError('No element to mount Embedded Checkout in.');
        frame = document.createElement('iframe');
        frame.src = origin + '/c/embedded/' + encodeURIComponent(secret);
        frame.title = 'Secure checkout (Stripe emulator)';
        frame.name = 'embedded-checkout';
        frame.style.cssText = 'width:100%;border:0;min-height:420px;display:block';
        window.addEventListener('message', onMessage);
        parent.appendChild(frame);
        mounted = true;
      },
      unmount() {
        window.removeEventListener('message', onMessage);
        if (frame) frame.remove();
        frame = null;
        mounted = false;
      },
      destroy() {
        this.unmount();
        destroyed = true;
      },
    };
  }

  function Stripe(key) {
    if (typeof key !== 'string' || !/^pk_(test|live)_/.test(key)) {
      throw new IntegrationError('Invalid publishable key: Stripe() takes a pk_test_ or pk_live_ key.');
    }
    return { createEmbeddedCheckoutPage, _registerWrapper() {} };
  }
  Stripe.version = 'endive';
  window.Stripe = Stripe;
})();
`;
