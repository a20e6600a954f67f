// The plain GET handlers most resources share: retrieve one object by id, list a kind with simple filters.
import { expand } from './expand.ts';
import type { FormObject } from './form.ts';
import { checkKnown, getExpand, getPagination, getRange, getString, inRange } from './params.ts';
import type { Handler } from './routing.ts';
import type { ObjectKind, Tables } from './store.ts';
import { allObjects, paginate, requireObject } from './store.ts';

/** `GET /v1/<path>/:id`: the stored object (404 `No such <name>` otherwise), expanded as asked. */
export function retrieveHandler(kind: ObjectKind, known: ReadonlySet<string>, name: string = kind): Handler {
  return ({ emu, params, ids }) => {
    checkKnown(params, known);
    const found = requireObject(emu.state, kind, ids[0] ?? '', 'id', name);
    return { body: expand(emu, found, getExpand(params)) };
  };
}

type Created<T> = T extends { created: number } ? true : never;

export interface ListOptions<K extends ObjectKind> {
  known: ReadonlySet<string>;
  /** String parameters, read in this order, that keep the objects whose field of the same name equals them. */
  equals?: ReadonlyArray<keyof Tables[K] & string>;
  /** Reads further parameters (after `equals`) and returns what the objects must also satisfy. */
  where?: (params: FormObject) => (object: Tables[K]) => boolean;
  /** `created=…` or `created[gte]=…`, read last. */
  created?: Created<Tables[K]>;
}

/** `GET /v1/<path>`: the kind's objects, newest first, filtered, paginated and expanded as asked. */
export function listHandler<K extends ObjectKind>(
  kind: K,
  url: string,
  { known, equals = [], where, created }: ListOptions<NoInfer<K>>,
): Handler {
  return ({ emu, params }) => {
    checkKnown(params, known);
    const wanted = equals.map((field) => [field, getString(params, field)] as const);
    const extra = where?.(params);
    const range = created ? getRange(params, 'created') : undefined;
    const items = allObjects(emu.state, kind).filter(
      (object) =>
        wanted.every(([field, value]) => value === undefined || object[field] === value) &&
        (extra === undefined || extra(object)) &&
        (range === undefined || inRange((object as { created: number }).created, range)),
    );
    return { body: expand(emu, paginate(items, getPagination(params), url), getExpand(params)) };
  };
}
