// Reading and validating decoded form parameters the way Stripe does (unknown, missing, wrong type).
import type { FormObject, FormValue } from './form.ts';
import { invalidRequest, parameterMissing, parameterUnknown } from './errors.ts';

type Missing<T, K extends readonly string[]> = Exclude<keyof T & string, K[number]>;

/**
 * The accepted parameter names of an endpoint, checked against the SDK's params type at compile time:
 * every name must exist on `T` and every name of `T` must be listed (a typed call that compiles is accepted).
 */
export function knownKeys<T>() {
  return <const K extends ReadonlyArray<keyof T & string>>(
    keys: K,
    ..._complete: [Missing<T, K>] extends [never] ? [] : [missing: Missing<T, K>]
  ): ReadonlySet<string> => new Set<string>(keys);
}

export const PAGINATION_KEYS = ['limit', 'starting_after', 'ending_before'] as const;

export function paramName(prefix: string | undefined, key: string): string {
  return prefix ? `${prefix}[${key}]` : key;
}

export function checkKnown(
  params: FormObject,
  known: ReadonlySet<string>,
  prefix?: string,
  extra: readonly string[] = [],
): void {
  for (const key of Object.keys(params)) {
    if (!known.has(key) && !extra.includes(key)) throw parameterUnknown(paramName(prefix, key));
  }
}

function describe(value: FormValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function getString(params: FormObject, key: string, prefix?: string): string | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw invalidRequest(`Invalid string: ${describe(value)}`, {
      param: paramName(prefix, key),
      code: 'parameter_invalid_string',
    });
  }
  return value;
}

export function requireString(params: FormObject, key: string, prefix?: string): string {
  const value = getString(params, key, prefix);
  if (value === undefined || value === '') throw parameterMissing(paramName(prefix, key));
  return value;
}

export function getInteger(
  params: FormObject,
  key: string,
  prefix?: string,
  bounds: { min?: number; max?: number } = {},
): number | undefined {
  const raw = getString(params, key, prefix);
  if (raw === undefined) return undefined;
  const param = paramName(prefix, key);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(Number(raw))) {
    throw invalidRequest(`Invalid integer: ${raw}`, { param, code: 'parameter_invalid_integer' });
  }
  const value = Number(raw);
  if (bounds.min !== undefined && value < bounds.min) {
    throw invalidRequest(`This value must be greater than or equal to ${bounds.min}.`, {
      param,
      code: 'parameter_invalid_integer',
    });
  }
  if (bounds.max !== undefined && value > bounds.max) {
    throw invalidRequest(`This value must be less than or equal to ${bounds.max}.`, {
      param,
      code: 'parameter_invalid_integer',
    });
  }
  return value;
}

export function getBoolean(params: FormObject, key: string, prefix?: string): boolean | undefined {
  const raw = getString(params, key, prefix);
  if (raw === undefined) return undefined;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw invalidRequest(`Invalid boolean: ${raw}`, { param: paramName(prefix, key) });
}

export function getObject(params: FormObject, key: string, prefix?: string): FormObject | undefined {
  const value = params[key];
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string' || Array.isArray(value)) {
    throw invalidRequest(`Invalid object`, {
      param: paramName(prefix, key),
      code: 'parameter_invalid_object',
    });
  }
  return value;
}

export function getArray(params: FormObject, key: string, prefix?: string): FormValue[] | undefined {
  const value = params[key];
  if (value === undefined || value === '') return undefined;
  if (!Array.isArray(value)) {
    throw invalidRequest(`Invalid array`, { param: paramName(prefix, key), code: 'parameter_invalid_array' });
  }
  return value;
}

export function getStringArray(params: FormObject, key: string, prefix?: string): string[] | undefined {
  const items = getArray(params, key, prefix);
  if (items === undefined) return undefined;
  return items.map((item, index) => {
    if (typeof item !== 'string') {
      throw invalidRequest(`Invalid string: ${describe(item)}`, {
        param: `${paramName(prefix, key)}[${index}]`,
      });
    }
    return item;
  });
}

export function getEnum<const E extends string>(
  params: FormObject,
  key: string,
  values: readonly E[],
  prefix?: string,
): E | undefined {
  const raw = getString(params, key, prefix);
  if (raw === undefined) return undefined;
  const found = values.find((value) => value === raw);
  if (found === undefined) {
    throw invalidRequest(`Invalid ${key}: must be one of ${values.join(', ')}`, {
      param: paramName(prefix, key),
    });
  }
  return found;
}

export const METADATA_LIMITS = { keys: 50, keyLength: 40, valueLength: 500 } as const;

/** Validates metadata; empty-string values are kept (callers use them to unset keys on update). */
export function getMetadata(
  params: FormObject,
  key = 'metadata',
  prefix?: string,
): Record<string, string> | undefined {
  const param = paramName(prefix, key);
  const value = params[key];
  if (value === undefined) return undefined;
  if (value === '') return {};
  if (typeof value === 'string' || Array.isArray(value)) {
    throw invalidRequest('Invalid object', { param, code: 'parameter_invalid_object' });
  }
  const entries = Object.entries(value);
  if (entries.length > METADATA_LIMITS.keys) {
    throw invalidRequest(
      `Invalid ${param}: metadata can have up to ${METADATA_LIMITS.keys} keys, but you have passed in ${entries.length} keys.`,
      { param },
    );
  }
  const out: Record<string, string> = {};
  for (const [metaKey, metaValue] of entries) {
    if (metaKey.length > METADATA_LIMITS.keyLength) {
      throw invalidRequest(
        `Metadata keys can have up to ${METADATA_LIMITS.keyLength} characters, but you passed in a key that is ${metaKey.length} characters. Invalid key: ${metaKey}`,
        { param },
      );
    }
    if (typeof metaValue !== 'string') {
      throw invalidRequest(`Invalid string: ${describe(metaValue)}`, { param: `${param}[${metaKey}]` });
    }
    if (metaValue.length > METADATA_LIMITS.valueLength) {
      throw invalidRequest(
        `Metadata values can have up to ${METADATA_LIMITS.valueLength} characters, but you passed in a value that is ${metaValue.length} characters. Invalid value: ${metaValue}`,
        { param: `${param}[${metaKey}]` },
      );
    }
    out[metaKey] = metaValue;
  }
  return out;
}

/** Merges update metadata into existing metadata: an empty string unsets a key. */
export function mergeMetadata(
  existing: Record<string, string> | null,
  update: Record<string, string>,
  replaceAll: boolean,
): Record<string, string> {
  const out: Record<string, string> = replaceAll ? {} : { ...(existing ?? {}) };
  for (const [key, value] of Object.entries(update)) {
    if (value === '') delete out[key];
    else out[key] = value;
  }
  return out;
}

export function getExpand(params: FormObject): string[] {
  return getStringArray(params, 'expand') ?? [];
}

export interface Pagination {
  limit: number;
  startingAfter?: string;
  endingBefore?: string;
}

export function getPagination(params: FormObject): Pagination {
  return {
    limit: getInteger(params, 'limit', undefined, { min: 1, max: 100 }) ?? 10,
    startingAfter: getString(params, 'starting_after'),
    endingBefore: getString(params, 'ending_before'),
  };
}

export interface RangeFilter {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

/** `created=123` or `created[gte]=123`. */
export function getRange(params: FormObject, key: string): RangeFilter | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    const exact = getInteger(params, key);
    return exact === undefined ? undefined : { gte: exact, lte: exact };
  }
  if (Array.isArray(value)) throw invalidRequest('Invalid object', { param: key });
  checkKnown(value, new Set(['gt', 'gte', 'lt', 'lte']), key);
  return {
    gt: getInteger(value, 'gt', key),
    gte: getInteger(value, 'gte', key),
    lt: getInteger(value, 'lt', key),
    lte: getInteger(value, 'lte', key),
  };
}

export function inRange(value: number, range: RangeFilter | undefined): boolean {
  if (!range) return true;
  if (range.gt !== undefined && !(value > range.gt)) return false;
  if (range.gte !== undefined && !(value >= range.gte)) return false;
  if (range.lt !== undefined && !(value < range.lt)) return false;
  if (range.lte !== undefined && !(value <= range.lte)) return false;
  return true;
}
