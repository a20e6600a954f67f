// Every server action but the shop's (those are in shop-actions.suite.ts), attacked over HTTP
// on a production build with generated bad input: wrong types, huge strings, negative and fractional amounts, ids of
// nothing and other people's ids, states that are not states, arguments that are
// not forms, and broken encodings. The admin console's actions are found by
// signing in as an admin and following its navigation, so they are covered as
// they are added.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DEMO, signUp } from './support/app.ts';
import { brokenEncodings } from './support/broken.ts';
import { FUZZER, fx } from './support/fixtures.ts';
import { LISTED_ADMIN_EMAIL } from './support/stack.ts';
import {
  actionInput,
  fuzzEndpoint,
  isNotFound,
  redirectsTo,
  sendToAction,
  sent,
  showsError,
  tolerated,
} from './support/fuzz.ts';
import {
  actionResult,
  fieldErrors,
  stringsIn,
  Visitor,
  type Fields,
  type FormValue,
} from './support/http.ts';
import {
  asValue,
  badAmount,
  badCount,
  fieldsOf,
  firstText,
  junkText,
  NASTY,
  SCALE,
  unknownId,
} from './support/inputs.ts';

import { actionTargets, fuzzAction, SHOP_ACTIONS, target, unreadable } from './support/actions.ts';

describe('admin bootstrap', () => {
  // Finding 1 of the security review: the first to sign up with a listed address became an admin.
  it('signing up with an address in ADMIN_EMAILS makes a customer; verifying the address makes the admin', async () => {
    const owner = new Visitor(fx.stack.appUrl);
    await signUp(owner, { name: 'First Comer', email: LISTED_ADMIN_EMAIL, password: 'first-come-password' });
    const roleOf = async () =>
      (
        await fx.stack.db.query<{ role: string }>('SELECT role FROM "User" WHERE email = $1', [
          LISTED_ADMIN_EMAIL,
        ])
      ).rows[0]?.role;
    assert.equal(await roleOf(), 'customer');
    assert.equal((await owner.request('/admin')).status, 404);

    // The link the verification email carries, as sign-up wrote it to the outbox.
    const written = await fx.stack.db.query<{ url: string }>(
      `SELECT data->>'url' AS url FROM "EmailOutbox" WHERE kind = 'verify_email' AND "to" = $1`,
      [LISTED_ADMIN_EMAIL],
    );
    assert.equal(written.rows.length, 1, 'one verification email');
    const link = new URL(written.rows[0]!.url);
    assert.equal(link.origin, fx.stack.appUrl);
    assert.equal(link.searchParams.get('callbackURL'), '/account?verified=1');
    // Anything but the link's own token proves nothing.
    const forged = await owner.request(`${link.pathname}?token=not-a-token&callbackURL=%2Faccount`);
    assert.match(forged.location ?? '', /error=INVALID_TOKEN/);
    assert.equal(await roleOf(), 'customer');

    const verified = await owner.request(`${link.pathname}${link.search}`);
    assert.ok(
      verified.status < 400,
      `verify-email answered ${verified.status}: ${verified.text.slice(0, 200)}`,
    );
    assert.equal(await roleOf(), 'admin');
  });
});

describe('sign-in limits', () => {
  // Security finding 5: the per-account limit lived only in the form's action, so 20 guesses at one account through
  // POST /api/auth/sign-in/email from 20 claimed addresses were all answered 401, never 429.
  it('failed sign-ins lock out the address that made them, not the owner; the account has a ceiling', async () => {
    const owner = {
      name: 'Limited Owner',
      email: 'limited-owner@example.com',
      password: 'owner-password-123',
    };
    await signUp(new Visitor(fx.stack.appUrl), owner);
    const attempt = async (password: string, address: string) =>
      (
        await new Visitor(fx.stack.appUrl).request('/api/auth/sign-in/email', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
          body: JSON.stringify({ email: owner.email, password }),
        })
      ).status;
    for (let guess = 1; guess <= 5; guess += 1)
      assert.equal(await attempt(`wrong ${guess}`, '198.51.100.10'), 401);
    assert.equal(await attempt('wrong 6', '198.51.100.10'), 429, 'that address is locked out');
    assert.equal(await attempt(owner.password, '198.51.100.20'), 200, 'the owner, elsewhere, is not');
    // Guesses spread over many addresses meet the account's ceiling: ten failures in ten minutes.
    const spread = [];
    for (let index = 0; index < 6; index += 1)
      spread.push(await attempt(`spread ${index}`, `203.0.113.${index + 1}`));
    assert.deepEqual(spread, [401, 401, 401, 401, 401, 429]);
  });
});

describe('account actions', () => {
  const emails = fc.oneof(
    { weight: 3, arbitrary: junkText },
    { weight: 2, arbitrary: fc.emailAddress() },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        DEMO.customer.email,
        DEMO.admin.email,
        ` ${DEMO.customer.email.toUpperCase()} `,
        FUZZER.email,
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.string({ minLength: 250, maxLength: 300 }), fc.constant('@example.com'))
        .map(([local, domain]) => `${local.replace(/[^a-z]/gi, 'a')}${domain}`),
    },
  );
  const passwords = [DEMO.customer.password, DEMO.admin.password, FUZZER.password];

  it('sign in: malformed and wrong credentials get a message, never a session', async () => {
    await fuzzAction('sign in', {
      fields: fieldsOf({ email: asValue(emails), password: asValue(junkText), next: asValue(junkText) }),
      isValid: (fields) => passwords.includes(firstText(fields, 'password') ?? ''),
      expect: (reply, input) =>
        unreadable(reply, input, [
          'Enter your email address.',
          'Enter your password.',
          'Use at most 128 characters.',
          'Use at most 254 characters.',
          'Email or password is incorrect.',
          /^Too many sign-in attempts\. Try again in \d+ seconds\.$/,
        ]),
    });
  });

  it('sign up: bad names, emails and passwords, and taken emails, create no account', async () => {
    const taken = [DEMO.customer.email, DEMO.admin.email, FUZZER.email];
    const badPassword = fc.oneof(
      fc.string({ maxLength: 9 }),
      fc.string({ minLength: 129, maxLength: 400 }),
      fc.constantFrom(...NASTY.filter((text) => text.length < 10)),
    );
    await fuzzAction('sign up', {
      fields: fieldsOf({
        name: asValue(junkText),
        email: asValue(emails),
        password: asValue(
          fc.oneof(
            { weight: 4, arbitrary: badPassword },
            { weight: 1, arbitrary: fc.string({ minLength: 10, maxLength: 128 }) },
          ),
        ),
        next: asValue(junkText),
      }),
      // Only a password of 10 to 128 characters with a free email could make an account.
      isValid: (fields) => {
        const password = firstText(fields, 'password');
        const email = (firstText(fields, 'email') ?? '').trim().toLowerCase();
        return password !== null && password.length >= 10 && password.length <= 128 && !taken.includes(email);
      },
      expect: (reply, input) =>
        unreadable(reply, input, [
          'Enter your name.',
          'Use at most 100 characters.',
          'Enter a valid email address.',
          'Use at most 254 characters.',
          'Use at least 10 characters.',
          'Use at most 128 characters.',
          'An account with this email already exists. Sign in instead.',
          /^Too many attempts\. Try again in \d+ seconds\.$/,
        ]),
    });
  });

  it('sign out: junk and forged session cookies sign nobody out', async () => {
    const signOut = target('sign out');
    // No session, junk, and the customer's real session token without its signature or with a made-up one.
    const token = fx.others.sessionToken.split('.')[0]!;
    const sessionCookie = fc.oneof(
      fc.constant(null),
      junkText.map((junk) => encodeURIComponent(junk).slice(0, 3000)),
      junkText.map((junk) => `${token}.${encodeURIComponent(junk).slice(0, 100)}`),
      fc.constant(token),
    );
    await fuzzEndpoint(fx.context, {
      endpoint: 'sign out',
      inputs: 850,
      input: fc.record({ base: actionInput(fieldsOf({ x: asValue(junkText) })), session: sessionCookie }),
      send: ({ base, session }) => {
        const visitor = new Visitor(fx.stack.appUrl);
        if (session !== null) visitor.cookies.set('shop.session_token', session);
        return sendToAction(signOut, base, visitor);
      },
      judge: (reply, { base }) => redirectsTo(reply, base.via, '/'),
    });
  });

  it('save Amazon Pay: missing consent, unknown frequencies and stale terms save nothing', async () => {
    const save = target('save Amazon Pay');
    const terms = String(save.form.fields.find(([name]) => name === 'termsVersion')![1]);
    await fuzzAction('save Amazon Pay', {
      fields: fieldsOf({
        termsVersion: asValue(fc.oneof(fc.constant(terms), junkText)),
        frequency: asValue(
          fc.oneof(fc.constantFrom('per_order', 'monthly', 'PER_ORDER', 'weekly'), junkText),
        ),
        consent: asValue(fc.oneof(fc.constantFrom('yes', 'on', 'true', 'YES'), junkText)),
      }),
      isValid: (fields) =>
        firstText(fields, 'termsVersion') === terms &&
        ['per_order', 'monthly'].includes(firstText(fields, 'frequency') ?? '') &&
        firstText(fields, 'consent') === 'yes',
      anonymousShare: 0.1,
      expect: (reply, input) =>
        input.anonymous
          ? redirectsTo(reply, input.via, '/sign-in')
          : unreadable(reply, input, [
              'Tick the box to agree to these terms.',
              'Choose how often we may charge.',
              'Please reload the page and read the terms again.',
              'The terms have changed since this page was opened. Please read them again.',
            ]),
    });
  });

  for (const [name, field, ids] of [
    ['revoke', 'mandateId', () => fx.others.mandateIds],
    ['pay now', 'orderId', () => fx.others.orderIds],
  ] as const) {
    it(`${name}: another customer's ids and ids of nothing are not found`, async () => {
      await fuzzAction(name, {
        fields: fieldsOf({
          [field]: asValue(
            fc.oneof(
              { weight: 2, arbitrary: fc.constantFrom(...ids()) },
              { weight: 3, arbitrary: unknownId },
            ),
          ),
        }),
        anonymousShare: 0.1,
        expect: (reply, input) =>
          input.anonymous ? redirectsTo(reply, input.via, '/sign-in') : isNotFound(reply),
      });
    });
  }
});

describe('admin actions', () => {
  it('every admin form refuses malformed fields, and is not found for anyone but an admin', async (t) => {
    if (fx.adminTargets.length === 0) {
      t.diagnostic('no admin console in this build: nothing to fuzz');
      return;
    }
    t.diagnostic(`admin actions found: ${fx.adminTargets.map((found) => found.name).join('; ')}`);
    const anyBad = asValue(fc.oneof(junkText, unknownId, badAmount, badCount));
    for (const admin of fx.adminTargets) {
      // Every field of the form, hidden ids included, replaced: no generated submission is a correct one.
      const names = [
        ...new Set([
          ...admin.form.fields.map(([name]) => name).filter((name) => !name.startsWith('$ACTION_')),
          ...admin.form.visible,
        ]),
      ];
      const fields = fieldsOf(Object.fromEntries(names.map((name) => [name, anyBad])));
      const who = fc.constantFrom('admin', 'admin', 'admin', 'customer', 'anonymous');
      await fuzzEndpoint(fx.context, {
        endpoint: admin.name,
        inputs: 850,
        input: fc.record({ base: actionInput(fields), who }),
        send: ({ base, who: as }) =>
          sendToAction(
            admin,
            base,
            as === 'admin'
              ? fx.visitors.admin
              : as === 'customer'
                ? fx.visitors.fuzzer
                : fx.visitors.anonymous,
          ),
        judge: (reply, { base, who: as }) => {
          if (as !== 'admin') return isNotFound(reply);
          if (reply.status === 404) return null;
          if (base.via === 'form')
            return reply.status === 200 && visibleErrors(reply.text).length > 0
              ? null
              : `expected an error on the page, got ${reply.status}`;
          const state = actionResult(reply);
          return reply.status === 200 && errorTexts(state).length > 0
            ? null
            : `expected an error in the state, got ${reply.status}`;
        },
      });
    }
  });
});

describe('admin free text', () => {
  it('a refund’s note with NUL or over its limit is refused even when the rest would refund', async (t) => {
    // The one bad field among correct ones: if its check were missing, money would move. NUL is the
    // character PostgreSQL cannot store, so without a check Stripe would act and the write then fail.
    const {
      rows: [paid],
    } = await fx.stack.db.query<{ id: string }>(
      'SELECT id::text FROM "Order" WHERE "stripeCheckoutSessionId" = $1',
      [fx.history.paidSessionId],
    );
    const cases = [
      {
        field: 'note',
        max: 500,
        amount: '0.50',
        path: `/admin/orders/${paid!.id}`,
        override: { orderId: paid!.id },
      },
    ];
    for (const { field, max, amount, path, override } of cases) {
      // The refund form: where a missing check would move money.
      const form = fx.adminTargets.find(
        (candidate) => candidate.form.visible.includes(field) && candidate.form.visible.includes('amount'),
      );
      if (!form) {
        t.diagnostic(`no admin form with a ${field} field`);
        continue;
      }
      const target = { ...form, path: path ?? form.path };
      const correct = new Map(
        form.form.fields
          .filter(([name]) => !name.startsWith('$ACTION_'))
          .map(([name, value]) => [name, value]),
      );
      const bad = fc.oneof(
        fc
          .tuple(
            fc.string({ maxLength: 40 }),
            fc.constantFrom('\u0000', '\u0000\u0000'),
            fc.string({ maxLength: 40 }),
          )
          .map(([before, nul, after]) => `${before}${nul}${after}`),
        fc.string({ minLength: max + 1, maxLength: max + 50 }).filter((text) => text.trim().length > max),
      );
      await fuzzEndpoint(fx.context, {
        endpoint: `${form.name}: ${field}`,
        inputs: 96,
        input: fc.record({
          requestId: fc.uuid(),
          text: bad,
          via: fc.constantFrom<'form' | 'fetch'>('form', 'fetch'),
        }),
        send: async ({ requestId, text, via }) => {
          const fields: Fields = [...correct].map(([name, value]): [string, FormValue] => [
            name,
            name === 'requestId'
              ? requestId
              : name === 'amount'
                ? amount
                : name === field
                  ? text
                  : ((override as Record<string, string>)[name] ?? value),
          ]);
          const reply = await sendToAction(target, {
            via,
            fields,
            args: `[${JSON.stringify({ requestId, seq: 0 })},"$K1"]`,
          });
          await fx.stack.control.flushWebhooks(); // a refund Stripe made would come back as a webhook: let it land before the check
          return reply;
        },
        judge: (reply, { via }) =>
          showsError(reply, via, [
            `Use at most ${max} characters.`,
            /contains a character that cannot be saved/,
          ]),
      });
    }
  });
});

/** Errors an admin page shows: beside a field, or as an alert. */
function visibleErrors(html: string): string[] {
  const alerts = [...html.matchAll(/<(p|div)\b[^>]*role="alert"[^>]*>([\s\S]*?)<\/\1>/g)].map((match) =>
    match[2]!.replace(/<[^>]+>/g, '').trim(),
  );
  return [...fieldErrors(html), ...alerts].filter(Boolean);
}

function errorTexts(state: unknown): string[] {
  if (!state || typeof state !== 'object') return [];
  return Object.entries(state as Record<string, unknown>).flatMap(([key, value]) =>
    /error|message/i.test(key) ? stringsIn(value) : [],
  );
}

describe('broken encodings', () => {
  it('undecodable bodies, wrong content types, foreign origins and oversized posts write nothing and leave the server up', async (t) => {
    const statuses = await brokenEncodings(
      fx.context,
      fx.stack.appUrl,
      actionTargets(SHOP_ACTIONS, false),
      152,
    );
    t.diagnostic(`answers to broken encodings: ${JSON.stringify(statuses)}`);
    t.diagnostic(
      `of which Next's own 500s (tolerated, see support/broken.ts): ${JSON.stringify(Object.fromEntries(tolerated))}`,
    );
  });
});

describe('counts', () => {
  it('sent at least 1,000 inputs to every server action', { skip: SCALE < 1 }, () => {
    const names = new Set([...fx.targets.values(), ...fx.adminTargets].map((found) => found.name));
    for (const name of names) {
      if (SHOP_ACTIONS.includes(name)) continue; // shop-actions.suite.ts's
      assert.ok((sent.get(name) ?? 0) >= 1000, `${name}: only ${sent.get(name) ?? 0} inputs`);
    }
  });
});
