// The fields a server-rendered server-action form posts without JavaScript: React renders the action's id and bound
// state as hidden inputs ($ACTION_REF_n, $ACTION_n:0, …), so a test can replay the form as a browser would.
import type { APIRequestContext } from '@playwright/test';

const ENTITIES: Record<string, string> = {
  '&quot;': '"',
  '&#x27;': "'",
  '&#39;': "'",
  '&lt;': '<',
  '&gt;': '>',
  '&amp;': '&',
};
const decode = (text: string) =>
  text.replace(/&(quot|#x27|#39|lt|gt|amp);/g, (entity) => ENTITIES[entity] ?? entity);

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return match ? decode(match[1]!) : undefined;
}

/** The named fields of the first `<form class="…{formClass}…">` in `html`, with the values it was rendered with. */
export function formFields(html: string, formClass: string): Record<string, string> {
  const form = new RegExp(`<form[^>]*class="[^"]*\\b${formClass}\\b[^"]*"[^>]*>([\\s\\S]*?)</form>`).exec(
    html,
  );
  if (!form) throw new Error(`no <form class="${formClass}"> in the page`);
  const fields: Record<string, string> = {};
  for (const [tag] of form[1]!.matchAll(/<input\b[^>]*>/g)) {
    const name = attribute(tag, 'name');
    if (name) fields[name] = attribute(tag, 'value') ?? '';
  }
  return fields;
}

/** The add-to-cart form of a product page, as `request` (with its cookies) gets it. */
export async function addToCartForm(
  request: APIRequestContext,
  productPath: string,
): Promise<Record<string, string>> {
  const response = await request.get(productPath);
  if (response.status() !== 200) throw new Error(`GET ${productPath} answered ${response.status()}`);
  const fields = formFields(await response.text(), 'add-to-cart');
  const actionField = Object.entries(fields).find(([name]) => /^\$ACTION_\d+:0$/.test(name));
  if (!actionField || !('productId' in fields))
    throw new Error(`the add-to-cart form has no action id: ${JSON.stringify(fields)}`);
  return fields;
}

/** The server action's id, as the form names it in `$ACTION_n:0`. */
export function actionId(fields: Record<string, string>): string {
  const value = Object.entries(fields).find(([name]) => /^\$ACTION_\d+:0$/.test(name))?.[1];
  const id = value ? (JSON.parse(value) as { id?: unknown }).id : undefined;
  if (typeof id !== 'string') throw new Error('no action id in the form');
  return id;
}
