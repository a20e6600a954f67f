/**
 * Server action requests whose encoding itself is broken: multipart bodies cut
 * short or without a boundary, `$ACTION_…` fields that are not JSON, Flight
 * arguments that are not JSON or point at rows that were never sent, unknown
 * action ids, other content types, a foreign Origin, bodies over the action limit (ACTION_BODY_LIMIT_MB).
 *
 * Next decodes these before any of our code runs. Where it cannot, it answers
 * 500 itself (an unhandled decode error; a CSRF refusal is thrown the same
 * way); those kinds are listed in NEXT_ANSWERS_500 and tolerated, everything
 * else must stay under 500. Either way nothing may be written, and the server
 * must still answer afterwards.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fuzzEndpoint, type ActionTarget, type Context } from './fuzz.ts';
import type { Reply } from './http.ts';
import { junkText } from './inputs.ts';
import { ACTION_BODY_LIMIT_MB } from '../../../lib/platform/form-input.ts';

type Kind =
  | 'bound-not-json'
  | 'descriptor-not-json'
  | 'unknown-action-id'
  | 'truncated'
  | 'no-boundary'
  | 'wrong-boundary'
  | 'urlencoded'
  | 'json'
  | 'fetch-root-not-json'
  | 'fetch-text-not-json'
  | 'fetch-dangling-reference'
  | 'fetch-malformed-action-id'
  | 'fetch-unknown-action-id'
  | 'cross-origin'
  | 'oversized'
  | 'nul-in-part-header';

/** Kinds Next 16 answers with its own 500 when the body cannot be decoded (see action-handler.js): not our code. */
export const NEXT_ANSWERS_500: ReadonlySet<Kind> = new Set([
  'bound-not-json',
  'truncated',
  'no-boundary',
  'wrong-boundary',
  'fetch-root-not-json',
  'fetch-text-not-json',
  'fetch-dangling-reference',
  'cross-origin',
  'oversized',
  'nul-in-part-header',
]);

type Broken = { kind: Kind; junk: string; cut: number; reference: string };

const brokenInput: fc.Arbitrary<Broken> = fc.record({
  kind: fc.constantFrom<Kind>(
    'bound-not-json',
    'descriptor-not-json',
    'unknown-action-id',
    'truncated',
    'no-boundary',
    'wrong-boundary',
    'urlencoded',
    'json',
    'fetch-root-not-json',
    'fetch-text-not-json',
    'fetch-dangling-reference',
    'fetch-malformed-action-id',
    'fetch-unknown-action-id',
    'cross-origin',
    'oversized',
    'nul-in-part-header',
  ),
  // Not JSON: a quote, a brace or plain text in front of whatever was generated.
  junk: fc
    .tuple(fc.constantFrom('{', '[', '"', 'x', '}', ''), junkText)
    .map(([lead, text]) => `${lead}${text}`)
    .filter((text) => !isJson(text)),
  cut: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
  reference: fc.constantFrom(
    '["$@9"]',
    '["$Q3"]',
    '["$W3"]',
    '["$K7","$K8"]',
    '["$h1"]',
    '[{"a":"$@2"},"$K1"]',
    '["$B5"]',
    '["$F1"]',
    '["$T"]',
    '["$S"]',
  ),
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

async function multipart(form: FormData): Promise<{ bytes: Uint8Array<ArrayBuffer>; type: string }> {
  const request = new Request('http://encode.invalid', { method: 'POST', body: form });
  return { bytes: new Uint8Array(await request.arrayBuffer()), type: request.headers.get('content-type')! };
}

async function send(_appUrl: string, target: ActionTarget, input: Broken): Promise<Reply> {
  const visitor = target.visitor.clone();
  // The form's own fields, emptied: no field of ours takes '', so if a broken request were decoded after all,
  // the action would refuse it and the write check would stay quiet. Only the requests Next must stop
  // before any action runs (a foreign Origin, an oversized body) carry the page's real values.
  const actionForm = (values: 'empty' | 'real' = 'empty') => {
    const body = new FormData();
    for (const [name, value] of target.form.actionFields) body.append(name, value);
    for (const [name, value] of target.form.fields.filter(([field]) => !field.startsWith('$ACTION_'))) {
      body.append(name, values === 'real' ? value : '');
    }
    return body;
  };
  const post = (body: BodyInit, headers: Record<string, string> = {}) =>
    visitor.request(target.path, { method: 'POST', body, headers });
  const fetchAction = (body: BodyInit, headers: Record<string, string> = {}) =>
    post(body, { 'next-action': target.form.actionId!, accept: 'text/x-component', ...headers });
  switch (input.kind) {
    case 'bound-not-json':
    case 'descriptor-not-json': {
      const body = actionForm();
      const suffix = input.kind === 'bound-not-json' ? ':1' : ':0';
      const name =
        [...body.keys()].find((key) => /^\$ACTION_\d+:\d$/.test(key) && key.endsWith(suffix)) ??
        `$ACTION_1${suffix}`;
      if (!body.has('$ACTION_REF_1')) body.set('$ACTION_REF_1', '');
      body.set(name, input.junk);
      return post(body);
    }
    case 'unknown-action-id': {
      const body = new FormData();
      body.set(`$ACTION_ID_${'7f'.repeat(21)}`, '');
      body.set('x', input.junk);
      return post(body);
    }
    case 'truncated': {
      const { bytes, type } = await multipart(actionForm());
      return post(bytes.slice(0, Math.floor(bytes.length * input.cut)), { 'content-type': type });
    }
    case 'no-boundary':
      return post(input.junk, { 'content-type': 'multipart/form-data' });
    case 'wrong-boundary': {
      const { bytes } = await multipart(actionForm());
      return post(bytes, { 'content-type': 'multipart/form-data; boundary=not-the-one-used' });
    }
    case 'urlencoded': {
      const params = new URLSearchParams();
      for (const [name, value] of target.form.fields)
        params.append(name, name.startsWith('$ACTION_') ? String(value) : '');
      params.append('junk', input.junk);
      return post(params.toString(), { 'content-type': 'application/x-www-form-urlencoded' });
    }
    case 'json':
      return post(input.junk, { 'content-type': 'application/json' });
    case 'fetch-root-not-json': {
      const body = new FormData();
      body.set('0', input.junk);
      return fetchAction(body);
    }
    case 'fetch-text-not-json':
      return fetchAction(input.junk, { 'content-type': 'text/plain;charset=UTF-8' });
    case 'fetch-dangling-reference':
      return fetchAction(input.reference, { 'content-type': 'text/plain;charset=UTF-8' });
    case 'fetch-malformed-action-id':
      return post('[]', {
        'next-action': encodeURIComponent(input.junk).slice(0, 200) || 'x',
        'content-type': 'text/plain;charset=UTF-8',
      });
    case 'fetch-unknown-action-id':
      return post('[]', { 'next-action': 'a1'.repeat(21), 'content-type': 'text/plain;charset=UTF-8' });
    case 'cross-origin':
      return post(actionForm('real'), { origin: 'http://evil.example' });
    case 'nul-in-part-header': {
      // A field name or file name with NUL in the part's Content-Disposition: Next's multipart parsing fails.
      const body = input.cut < 0.5 ? actionForm() : new FormData();
      if (input.cut < 0.25) body.append(`a\u0000${input.junk.slice(0, 20)}`, 'x');
      else if (input.cut < 0.5) body.append('x', new File([input.junk], 'a\u0000.png'));
      else if (input.cut < 0.75) body.append('_1_a\u0000b', 'x');
      else body.append('_1_quantity', new File([input.junk], 'a\u0000.png'));
      if (input.cut >= 0.5) body.append('0', '[{},"$K1"]');
      return input.cut < 0.5 ? post(body) : fetchAction(body);
    }
    case 'oversized': {
      const body = actionForm('real');
      body.append('padding', 'x'.repeat(ACTION_BODY_LIMIT_MB * 1024 * 1024 + 100_000));
      return post(body);
    }
  }
  throw new Error(`unhandled kind ${input.kind satisfies never}`);
}

/** Sends `perTarget` broken requests to each action, returns the statuses seen per kind. */
export async function brokenEncodings(
  context: Context,
  appUrl: string,
  targets: ActionTarget[],
  perTarget: number,
): Promise<Record<string, number[]>> {
  const statuses: Record<string, Set<number>> = {};
  for (const target of targets) {
    await fuzzEndpoint(context, {
      endpoint: target.name,
      inputs: perTarget,
      input: brokenInput,
      send: async (input) => {
        const reply = await send(appUrl, target, input);
        (statuses[input.kind] ??= new Set()).add(reply.status);
        return reply;
      },
      tolerate5xx: (input) => NEXT_ANSWERS_500.has(input.kind),
      judge: () => null,
    });
  }
  const health = await fetch(`${appUrl}/api/health`);
  assert.equal(health.status, 200, 'the server still answers after the broken requests');
  return Object.fromEntries(Object.entries(statuses).map(([kind, seen]) => [kind, [...seen].sort()]));
}
