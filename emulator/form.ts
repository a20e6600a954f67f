// Bracket-notation form decoding (`a[b][0][c]=1`) into nested objects and arrays, as Stripe reads requests.

export type FormValue = string | FormObject | FormValue[];
export interface FormObject {
  [key: string]: FormValue;
}

function splitKey(key: string): string[] {
  const first = key.indexOf('[');
  if (first === -1) return [key];
  const parts = [key.slice(0, first)];
  const re = /\[([^\]]*)\]/g;
  let match: RegExpExecArray | null;
  while ((match = re.exec(key.slice(first))) !== null) parts.push(match[1] ?? '');
  return parts;
}

/** Objects whose keys are all array indexes become arrays (Stripe sends `items[0][x]`). */
function normalise(value: FormValue): FormValue {
  if (typeof value === 'string' || Array.isArray(value)) {
    return Array.isArray(value) ? value.map(normalise) : value;
  }
  const keys = Object.keys(value);
  const out: FormObject = {};
  for (const key of keys) out[key] = normalise(value[key] as FormValue);
  if (keys.length > 0 && keys.every((key) => /^\d+$/.test(key))) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((index) => out[String(index)] as FormValue);
  }
  return out;
}

export function parseForm(body: string): FormObject {
  const root: FormObject = {};
  const params = new URLSearchParams(body);
  for (const [rawKey, value] of params) {
    const parts = splitKey(rawKey);
    let node: FormObject = root;
    for (let i = 0; i < parts.length; i += 1) {
      const part = parts[i] as string;
      const last = i === parts.length - 1;
      // `expand[]=a&expand[]=b` appends; an empty segment means "next index".
      const key = part === '' ? String(Object.keys(node).length) : part;
      if (last) {
        node[key] = value;
      } else {
        const existing = node[key];
        if (existing === undefined || typeof existing === 'string' || Array.isArray(existing)) {
          const fresh: FormObject = {};
          node[key] = fresh;
          node = fresh;
        } else {
          node = existing;
        }
      }
    }
  }
  return normalise(root) as FormObject;
}

/** Encodes nested data the way the SDK does (used by tests and the control client). */
export function encodeForm(data: Record<string, unknown>, prefix = ''): string {
  const pairs: string[] = [];
  const walk = (value: unknown, key: string): void => {
    if (value === undefined) return;
    if (Array.isArray(value)) {
      value.forEach((item, index) => walk(item, `${key}[${index}]`));
    } else if (value !== null && typeof value === 'object') {
      for (const [child, childValue] of Object.entries(value))
        walk(childValue, key ? `${key}[${child}]` : child);
    } else {
      pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(value === null ? '' : String(value))}`);
    }
  };
  walk(data, prefix);
  return pairs.join('&');
}
