// `expand[]`: replacing ids by objects along dotted paths, without touching stored objects.
import type { Emulator } from './context.ts';
import { invalidRequest } from './errors.ts';
import { kindOfId } from './ids.ts';
import type { ObjectKind, Tables } from './store.ts';
import { allObjects, findObject, OBJECT_KINDS } from './store.ts';

interface PathTree {
  [key: string]: PathTree;
}

function toTree(paths: readonly string[]): PathTree {
  const root: PathTree = {};
  for (const path of paths) {
    if (path.split('.').length > 4) {
      throw invalidRequest(`You cannot expand more than 4 levels of a property. Property: ${path}`, {
        param: 'expand',
      });
    }
    let node = root;
    for (const part of path.split('.')) {
      node[part] ??= {};
      node = node[part] as PathTree;
    }
  }
  return root;
}

export function lookupById(emu: Emulator, id: string): Tables[ObjectKind] | undefined {
  const kind = kindOfId(id);
  if (!kind || !(OBJECT_KINDS as readonly string[]).includes(kind)) return undefined;
  return findObject(emu.state, kind as ObjectKind, id);
}

type Json = unknown;

function isRecord(value: Json): value is Record<string, Json> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Fields that are not stored on the object but can be expanded into it. */
function virtualField(emu: Emulator, owner: Record<string, Json>, key: string): Json | undefined {
  if (owner.object === 'checkout.session' && key === 'line_items' && typeof owner.id === 'string') {
    // As Stripe: the expanded property holds the first handful (10); the rest only through its URL.
    const data = emu.state.lineItems[owner.id] ?? [];
    return {
      object: 'list',
      data: data.slice(0, 10),
      has_more: data.length > 10,
      url: `/v1/checkout/sessions/${owner.id}/line_items`,
    };
  }
  if (owner.object === 'invoice' && key === 'payments' && typeof owner.id === 'string') {
    // Includable: an invoice's payments come only when asked for.
    const invoiceId = owner.id;
    const data = allObjects(emu.state, 'invoice_payment').filter((payment) => payment.invoice === invoiceId);
    return {
      object: 'list',
      data: data.slice(0, 10),
      has_more: data.length > 10,
      url: `/v1/invoice_payments?invoice=${invoiceId}`,
    };
  }
  return undefined;
}

function expandNode(emu: Emulator, value: Json, tree: PathTree, trail: string): Json {
  if (Array.isArray(value)) return value.map((item) => expandNode(emu, item, tree, trail));
  if (!isRecord(value)) return value;
  const copy: Record<string, Json> = { ...value };
  for (const [key, subtree] of Object.entries(tree)) {
    const path = trail ? `${trail}.${key}` : key;
    let field = copy[key];
    const virtual = virtualField(emu, copy, key);
    if (virtual !== undefined) field = virtual;
    if (field === undefined)
      throw invalidRequest(`This property cannot be expanded (${path}).`, { param: 'expand' });
    if (typeof field === 'string') {
      const found = lookupById(emu, field);
      if (!found) throw invalidRequest(`This property cannot be expanded (${path}).`, { param: 'expand' });
      field = found;
    }
    copy[key] = field === null ? null : expandNode(emu, field, subtree, path);
  }
  return copy;
}

export function expand<T>(emu: Emulator, value: T, paths: readonly string[]): T {
  if (paths.length === 0) return value;
  return expandNode(emu, value, toTree(paths), '') as T;
}
