/**
 * Talking to the app the way browsers do: a cookie jar per visitor, the forms
 * a page renders (with the hidden fields Next adds for server actions), and
 * the two ways a server action arrives: a plain form post (no JavaScript) and
 * the fetch React makes with a `Next-Action` header.
 */

export type Reply = {
  status: number;
  contentType: string;
  location: string | null;
  /** Set on a fetch action that redirected (it answers 200 with this header, not a 3xx). */
  actionRedirect: string | null;
  text: string;
};

export type FormValue = string | Blob;
export type Fields = Array<[string, FormValue]>;

/** One visitor: cookies kept across requests, the Origin a browser would send. */
export class Visitor {
  readonly cookies = new Map<string, string>();
  constructor(readonly appUrl: string) {}

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  remember(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** A copy with the same cookies, so requests made with it change nothing of this one. */
  clone(): Visitor {
    const copy = new Visitor(this.appUrl);
    for (const [name, value] of this.cookies) copy.cookies.set(name, value);
    return copy;
  }

  async request(path: string, init: RequestInit & { keepCookies?: boolean } = {}): Promise<Reply> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0 && !headers.has('cookie')) headers.set('cookie', this.cookieHeader());
    if (init.method && init.method !== 'GET' && !headers.has('origin')) headers.set('origin', this.appUrl);
    const response = await fetch(new URL(path, this.appUrl), {
      ...init,
      headers,
      redirect: 'manual',
      signal: init.signal ?? AbortSignal.timeout(60_000),
    });
    if (init.keepCookies !== false) this.remember(response);
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      location: response.headers.get('location'),
      actionRedirect: response.headers.get('x-action-redirect'),
      text: await response.text(),
    };
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeHtml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity[0] === '#') {
      const code =
        entity[1] === 'x' || entity[1] === 'X'
          ? Number.parseInt(entity.slice(2), 16)
          : Number(entity.slice(1));
      return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[entity.toLowerCase()] ?? whole;
  });
}

function attributes(tag: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const match of tag.matchAll(/([^\s=/>]+)(?:="([^"]*)")?/g)) {
    const name = match[1]!.toLowerCase();
    if (name.startsWith('<')) continue;
    found[name] = decodeHtml(match[2] ?? '');
  }
  return found;
}

export type ParsedForm = {
  /** The form's own attributes (action, method, class, data-testid…). */
  attributes: Record<string, string>;
  /** Every named field in document order, as a browser would submit it (unchecked boxes left out). */
  fields: Fields;
  /** Names of the fields a person fills in or picks (not hidden, not Next's own). */
  visible: string[];
  /** The server action the form posts to, when it is one. */
  actionId: string | null;
  /** `$ACTION_…` fields: what makes a plain form post a server action call. */
  actionFields: Fields;
  /** The action's bound arguments (useActionState's state), as the page encoded them. */
  boundState: unknown;
};

/** The forms in a page, read with regular expressions: React's markup is regular enough. */
export function parseForms(html: string): ParsedForm[] {
  const forms: ParsedForm[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const body = match[2]!;
    const fields: Fields = [];
    const visible: string[] = [];
    const controls = body.matchAll(/<(input|textarea|select)\b([^>]*)>(?:([\s\S]*?)<\/\1>)?/g);
    for (const control of controls) {
      const kind = control[1]!;
      const attrs = attributes(control[2]!);
      const name = attrs.name;
      if (!name || 'disabled' in attrs) continue;
      const type = (attrs.type ?? 'text').toLowerCase();
      let value = attrs.value ?? '';
      if (kind === 'textarea') value = decodeHtml(control[3] ?? '');
      if (kind === 'select') {
        const options = [...(control[3] ?? '').matchAll(/<option\b([^>]*)>/g)].map((option) =>
          attributes(option[1]!),
        );
        const chosen = options.find((option) => 'selected' in option) ?? options[0];
        value = chosen?.value ?? '';
      }
      if ((type === 'checkbox' || type === 'radio') && !('checked' in attrs)) {
        if (!visible.includes(name)) visible.push(name);
        continue;
      }
      if (type === 'submit' || type === 'button' || type === 'file') continue;
      fields.push([name, value]);
      if (type !== 'hidden' && !visible.includes(name)) visible.push(name);
    }
    const actionFields = fields.filter(([name]) => name.startsWith('$ACTION_'));
    let actionId: string | null = null;
    let boundState: unknown = undefined;
    for (const [name, value] of actionFields) {
      if (name.startsWith('$ACTION_ID_')) actionId = name.slice('$ACTION_ID_'.length);
      if (/^\$ACTION_\d+:0$/.test(name)) actionId = (JSON.parse(String(value)) as { id: string }).id;
      if (/^\$ACTION_\d+:1$/.test(name)) boundState = (JSON.parse(String(value)) as unknown[])[0];
    }
    forms.push({ attributes: attributes(match[1]!), fields, visible, actionId, actionFields, boundState });
  }
  return forms;
}

/** Texts of the error messages shown beside fields (`.field-error`), in page order. */
export function fieldErrors(html: string): string[] {
  return [...html.matchAll(/<p\b[^>]*class="field-error"[^>]*>([\s\S]*?)<\/p>/g)].map((match) =>
    decodeHtml(match[1]!.replace(/<!-- -->/g, '').replace(/<[^>]+>/g, '')).trim(),
  );
}

/** A plain form post, as a browser without JavaScript sends it: the action's fields, then `fields`. */
export function postForm(
  visitor: Visitor,
  path: string,
  form: ParsedForm,
  fields: Fields,
  init: RequestInit = {},
) {
  const body = new FormData();
  for (const [name, value] of form.actionFields) body.append(name, value);
  for (const [name, value] of fields) body.append(name, value);
  return visitor.request(path, { method: 'POST', body, ...init });
}

/** React's reply encoding for JSON values: strings that start with `$` are escaped with another. */
export function flightJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    typeof inner === 'string' && inner.startsWith('$') ? `$${inner}` : inner,
  );
}

/**
 * A server action called the way React's client calls it: `Next-Action` names
 * the action, field `0` holds the arguments, and `"$K1"` in them stands for a
 * FormData whose fields are sent as `_1_<name>`. `args` are written as given,
 * so callers can pass anything in place of the state and the form.
 */
export function callAction(
  visitor: Visitor,
  path: string,
  actionId: string,
  call: { args: string; fields?: Fields },
  init: RequestInit = {},
) {
  const body = new FormData();
  for (const [name, value] of call.fields ?? []) body.append(`_1_${name}`, value);
  body.append('0', call.args);
  return visitor.request(path, {
    method: 'POST',
    body,
    ...init,
    headers: {
      'next-action': actionId,
      accept: 'text/x-component',
      ...(init.headers as Record<string, string> | undefined),
    },
  });
}

/**
 * The value an action returned, read from its Flight answer: rows `id:json`
 * and text rows `id:T<byte length in hex>,<text>` (long strings), with `"$<id>"`
 * references to text rows put back in place. Row 1 holds the value for the
 * plain objects our actions return.
 */
export function actionResult(reply: Reply): unknown {
  const bytes = Buffer.from(reply.text, 'utf8');
  const rows = new Map<string, { json?: string; text?: string }>();
  for (let at = 0; at < bytes.length;) {
    const colon = bytes.indexOf(0x3a, at);
    if (colon < 0) break;
    const id = bytes.subarray(at, colon).toString('utf8').trim();
    if (bytes[colon + 1] === 0x54) {
      const comma = bytes.indexOf(0x2c, colon);
      const length = Number.parseInt(bytes.subarray(colon + 2, comma).toString('utf8'), 16);
      rows.set(id, { text: bytes.subarray(comma + 1, comma + 1 + length).toString('utf8') });
      at = comma + 1 + length;
    } else {
      const newline = bytes.indexOf(0x0a, colon);
      const end = newline < 0 ? bytes.length : newline;
      rows.set(id, { json: bytes.subarray(colon + 1, end).toString('utf8') });
      at = end + 1;
    }
  }
  const json = rows.get('1')?.json;
  if (json === undefined || json.startsWith('E')) return undefined;
  try {
    return JSON.parse(json, (_key, value: unknown) => {
      if (typeof value !== 'string' || !value.startsWith('$')) return value;
      if (value.startsWith('$$')) return value.slice(1);
      return rows.get(value.slice(1))?.text ?? value;
    }) as unknown;
  } catch {
    return undefined;
  }
}

/** Every string inside a value, depth first: the messages an action's state carries. */
export function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return value === '$undefined' ? [] : [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}
