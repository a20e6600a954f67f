/**
 * The properties every fuzzed endpoint is held to, in batches of requests sent
 * side by side: never a 5xx, nothing written, and an answer that says what was
 * wrong (each endpoint defines what that looks like). A batch that breaks one
 * of them fails the test with the input, the answer and the server's log.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type pg from 'pg';
import {
  actionResult,
  callAction,
  fieldErrors,
  flightJson,
  postForm,
  stringsIn,
  type Fields,
  type ParsedForm,
  type Reply,
  type Visitor,
} from './http.ts';
import { anyJson, fcOptions, runs, shortJunk, type Transport } from './inputs.ts';
import { differences, fingerprint } from './writes.ts';

export const BATCH = 8;

/** Inputs sent per endpoint, printed at the end and checked against the 1,000 the hardening issue asks for. */
export const sent = new Map<string, number>();
export const count = (endpoint: string, inputs = 1) => sent.set(endpoint, (sent.get(endpoint) ?? 0) + inputs);
/** 5xx answers let through by `tolerate5xx`, per property. */
export const tolerated = new Map<string, number>();

export type Context = { db: pg.Pool; serverLog(): string };

/** A request that got no HTTP answer at all (connection reset, timeout): a failure the judge is shown. */
const requestFailed = (error: unknown): Reply => ({
  status: 0,
  contentType: '',
  location: null,
  actionRedirect: null,
  text: `no answer: ${error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : String(error)}`,
});

/**
 * Sends, and sends again once if no answer came at all. A keep-alive socket the
 * server has just closed (it does after refusing an oversized body, sent in the
 * same batch) can be handed to the next request before the client notices: that
 * request sees ECONNRESET without the server ever reading it. A second failure
 * is reported: the same input resetting twice, or a server that is down.
 */
async function sendRetryingOnce(send: () => Promise<Reply>): Promise<Reply> {
  try {
    return await send();
  } catch {
    return send().catch(requestFailed);
  }
}

/** Node's HTTP server refuses request heads over 16 kB (431) before the app sees them: a clear refusal. */
export const headTooLarge = (reply: Reply) => reply.status === 431;

/** A reason the answer is not acceptable, or null. */
export type Judge<I> = (reply: Reply, input: I) => string | null;

function describeInput(input: unknown): string {
  return JSON.stringify(input, (_key, value: unknown) => {
    if (value instanceof Blob) return `<file ${value.size} bytes>`;
    if (typeof value === 'string' && value.length > 200)
      return `${value.slice(0, 80)}…(${value.length} chars)`;
    return value;
  });
}

/**
 * Sends batches of generated inputs and holds every answer to `judge`, and the
 * database to "unchanged" (but for `mayWrite` tables) across each batch.
 */
export async function fuzzEndpoint<I>(
  context: Context,
  options: {
    endpoint: string;
    inputs: number;
    input: fc.Arbitrary<I>;
    send: (input: I) => Promise<Reply>;
    judge: Judge<I>;
    mayWrite?: readonly string[];
    /** Several endpoints may share one property (e.g. each admin form); counts go to the one named here. */
    countAs?: (input: I) => string;
    /**
     * 5xx answers that are not ours to fix: Next's own answer to a body it cannot
     * decode, before any of our code runs. They are counted and reported, and the
     * batch still must write nothing.
     */
    tolerate5xx?: (input: I) => boolean;
  },
): Promise<void> {
  const batch = fc.array(options.input, { minLength: BATCH, maxLength: BATCH });
  await fc
    .assert(
      fc.asyncProperty(batch, async (inputs) => {
        const before = await fingerprint(context.db, options.mayWrite);
        const replies = await Promise.all(inputs.map((input) => sendRetryingOnce(() => options.send(input))));
        for (const input of inputs) count(options.countAs?.(input) ?? options.endpoint);
        const after = await fingerprint(context.db, options.mayWrite);
        const problems: string[] = [];
        replies.forEach((reply, index) => {
          const input = inputs[index]!;
          if (reply.status >= 500 && options.tolerate5xx?.(input)) {
            tolerated.set(options.endpoint, (tolerated.get(options.endpoint) ?? 0) + 1);
            return;
          }
          const verdict =
            reply.status === 0
              ? reply.text
              : reply.status >= 500
                ? `answered ${reply.status}`
                : headTooLarge(reply)
                  ? null
                  : options.judge(reply, input);
          if (verdict) {
            problems.push(
              `${verdict}\n  input: ${describeInput(input)}\n  answer: ${reply.status} ${reply.contentType} ` +
                `${reply.location ?? reply.actionRedirect ?? ''}\n  ${reply.text.slice(0, 300).replaceAll('\n', '\n  ')}`,
            );
          }
        });
        const written = differences(before, after);
        if (written.length > 0)
          problems.push(`wrote to the database: ${written.join(', ')}\n  batch: ${describeInput(inputs)}`);
        if (problems.length > 0) {
          assert.fail(
            `${options.endpoint}: ${problems.join('\n')}\n--- server log ---\n${context.serverLog()}`,
          );
        }
      }),
      fcOptions(runs(options.inputs, BATCH)),
    )
    .catch((error: unknown) => {
      // fast-check keeps the property's own failure as the cause; the test report should show it first.
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : '';
      const report =
        error instanceof Error
          ? error.message
              .split('\n')
              .filter((line) => /seed|Shrunk|path/.test(line))
              .join('\n')
          : String(error);
      throw new Error(`${cause}\n${report}`);
    });
}

/** What a page form or a fetch call of a server action sends: fields, and for fetch the encoded arguments. */
export type ActionInput = { via: Transport; fields: Fields; args: string; anonymous?: boolean };

/**
 * The arguments a fetch call carries. Mostly as React encodes them,
 * `[state, "$K1"]` with any JSON as the state the client claims; sometimes
 * not a form at all, or nothing: an action is a public endpoint and gets
 * whatever a request encodes.
 */
export const actionArgs: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: anyJson.map((state) => `[${flightJson(state)},"$K1"]`) },
  { weight: 1, arbitrary: fc.constant('[]') },
  { weight: 1, arbitrary: fc.constant('["$K1"]') },
  { weight: 1, arbitrary: anyJson.map((state) => `[${flightJson(state)}]`) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(anyJson, anyJson)
      .map(([state, form]) => `[${flightJson(state)},${flightJson(form)}]`),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(anyJson, shortJunk)
      .map(([state, extra]) => `[${flightJson(state)},"$K1",${flightJson(extra)}]`),
  },
);

export function actionInput(
  fields: fc.Arbitrary<Fields>,
  options: { anonymousShare?: number } = {},
): fc.Arbitrary<ActionInput> {
  const anonymous = options.anonymousShare
    ? fc.double({ min: 0, max: 1, noNaN: true }).map((roll) => roll < options.anonymousShare!)
    : fc.constant(false);
  // A form post re-renders the whole page and costs the server as much as five fetch calls:
  // one input in ten (about a hundred per action) takes that way.
  const via = fc.oneof(
    { weight: 1, arbitrary: fc.constant<Transport>('form') },
    { weight: 9, arbitrary: fc.constant<Transport>('fetch') },
  );
  return fc.record({ via, fields, args: actionArgs, anonymous });
}

/** A server action rendered on a page: where its form lives and who may post it. */
export type ActionTarget = { name: string; path: string; form: ParsedForm; visitor: Visitor };

/** Sends one input to an action, through the page form or as React's fetch. Every request starts from the visitor's cookies. */
export function sendToAction(
  target: ActionTarget,
  input: ActionInput,
  as: Visitor = target.visitor,
): Promise<Reply> {
  const visitor = as.clone();
  if (input.via === 'form') return postForm(visitor, target.path, target.form, input.fields);
  return callAction(visitor, target.path, target.form.actionId!, { args: input.args, fields: input.fields });
}

/** True when the fetch arguments hand the action the form (`"$K1"` second): otherwise the fields never reach it. */
export const formReachesAction = (input: ActionInput) =>
  input.via === 'form' || /^\[.*,"\$K1"(,|\]$)/s.test(input.args);

export type Expected = Array<string | RegExp>;
const matches = (text: string, expected: Expected) =>
  expected.some((candidate) => (typeof candidate === 'string' ? candidate === text : candidate.test(text)));

/**
 * The answer shows at least one of `expected` and nothing else as an error:
 * beside a field of the re-rendered page for a form post, in the returned
 * state for a fetch call. An error text outside the list (a library's default
 * message, say) counts as unclear.
 */
export function showsError(
  reply: Reply,
  via: Transport,
  expected: Expected,
  stateKeys = ['error', 'fieldErrors', 'message'],
): string | null {
  let shown: string[];
  if (via === 'form') {
    if (reply.status !== 200) return `expected the page again with an error, got ${reply.status}`;
    shown = fieldErrors(reply.text);
  } else {
    if (reply.status !== 200) return `expected 200 with the action's state, got ${reply.status}`;
    const state = actionResult(reply) as Record<string, unknown> | undefined;
    if (!state || typeof state !== 'object') return 'the answer carries no state';
    shown = stateKeys.flatMap((key) => stringsIn(state[key]));
  }
  if (shown.length === 0) return 'no error was shown';
  const unclear = shown.filter((text) => !matches(text, expected));
  if (unclear.length > 0) return `unexpected error text: ${JSON.stringify(unclear)}`;
  return null;
}

/** The not-found page (a form post) or a 404 Flight answer (fetch). */
export const isNotFound = (reply: Reply) =>
  reply.status === 404 ? null : `expected 404, got ${reply.status}`;

/** Sent to sign in: a 303 for a form post, `x-action-redirect` for fetch. */
export function redirectsTo(reply: Reply, via: Transport, prefix: string): string | null {
  const target =
    via === 'form'
      ? reply.status === 303
        ? reply.location
        : null
      : reply.status === 200
        ? reply.actionRedirect
        : null;
  if (!target) return `expected a redirect to ${prefix}, got ${reply.status}`;
  const path = target.startsWith('http') ? new URL(target).pathname + new URL(target).search : target;
  return path.startsWith(prefix) ? null : `redirected to ${target}, not ${prefix}`;
}
