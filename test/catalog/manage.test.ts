// The owner's catalog edits through lib/catalog: field checks, images recognised by their bytes,
// unique slugs, a currency fixed once ordered, and a restock that never hands out units sold
// while the form was open.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startAppStack, type AppStack } from '../support/app-stack.ts';

let stack: AppStack;
let manage: typeof import('../../lib/catalog/manage.ts');
let images: typeof import('../../lib/catalog/images.ts');
let cart: typeof import('../../lib/cart/cart.ts');
let checkout: typeof import('../../lib/orders/checkout.ts');

before(async () => {
  stack = await startAppStack();
  manage = await import('../../lib/catalog/manage.ts');
  images = await import('../../lib/catalog/images.ts');
  cart = await import('../../lib/cart/cart.ts');
  checkout = await import('../../lib/orders/checkout.ts');
});
after(() => stack.stop());

const db = () => stack.database.prisma;

/** A 1×1 PNG, whole. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

function jpeg(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes.set([0xff, 0xd8, 0xff, 0xe0]);
  bytes.set([0xff, 0xd9], size - 2);
  return bytes;
}

function webp(): Uint8Array {
  const bytes = new Uint8Array(30);
  bytes.set(Buffer.from('RIFF'));
  new DataView(bytes.buffer).setUint32(4, 22, true);
  bytes.set(Buffer.from('WEBPVP8 '), 8);
  return bytes;
}

const form = (overrides: Partial<Record<string, string | boolean>> = {}) =>
  ({
    name: 'Bamboo Whisk',
    slug: `whisk-${randomUUID().slice(0, 8)}`,
    description: 'Carved from one piece of bamboo.',
    price: '24.50',
    currency: 'gbp',
    stock: '2',
    active: true,
    ...overrides,
  }) as Parameters<typeof manage.parseProductForm>[0];

describe('product fields', () => {
  it('stores the price in minor units with the currency’s exponent', () => {
    const gbp = manage.parseProductForm(form());
    assert.ok(gbp.ok);
    assert.equal(gbp.product.unitAmount, 2450);
    assert.equal(gbp.product.stock, 2);
    const jpy = manage.parseProductForm(form({ price: '4800', currency: 'jpy', stock: '' }));
    assert.ok(jpy.ok);
    assert.equal(jpy.product.unitAmount, 4800);
    assert.equal(jpy.product.stock, null, 'empty stock is made to order');
  });

  it('refuses bad prices and stock beside their fields', () => {
    const cases: Array<[Record<string, string>, 'price' | 'stock' | 'slug' | 'currency', RegExp]> = [
      [{ price: '-1' }, 'price', /at most two decimals/],
      [{ price: 'abc' }, 'price', /at most two decimals/],
      [{ price: '12.345', currency: 'usd' }, 'price', /at most two decimals/],
      [{ price: '1.5', currency: 'jpy' }, 'price', /whole number of yen/],
      [{ price: '0.49', currency: 'usd' }, 'price', /cannot charge less than \$0\.50/],
      [{ price: '0.29', currency: 'gbp' }, 'price', /cannot charge less than £0\.30/],
      [{ price: '1000000.00', currency: 'usd' }, 'price', /cannot charge more than/],
      [{ stock: '-3' }, 'stock', /whole number from 0 to 1,000,000/],
      [{ stock: '1e9' }, 'stock', /whole number from 0 to 1,000,000/],
      [{ stock: '2.5' }, 'stock', /whole number/],
      [{ slug: 'Not A Slug' }, 'slug', /lower-case letters/],
      [{ currency: 'xxx' }, 'currency', /Choose a currency/],
    ];
    for (const [overrides, field, message] of cases) {
      const result = manage.parseProductForm(form(overrides));
      assert.equal(result.ok, false, JSON.stringify(overrides));
      assert.match(result.ok ? '' : (result.errors[field] ?? ''), message, JSON.stringify(overrides));
    }
  });

  it('refuses a slug another product uses, and writes nothing', async () => {
    const taken = await db().product.findFirstOrThrow();
    const parsed = manage.parseProductForm(form({ slug: taken.slug }));
    assert.ok(parsed.ok);
    const before = await db().product.count();
    const result = await manage.createProduct(parsed.product, '/products/x.svg');
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : (result.errors.slug ?? ''), /already uses/);
    assert.equal(await db().product.count(), before);
  });

  it('fixes the currency once the product has been ordered', async () => {
    const parsed = manage.parseProductForm(form({ currency: 'usd', price: '30' }));
    assert.ok(parsed.ok);
    const created = await manage.createProduct(parsed.product, '/products/x.svg');
    assert.ok(created.ok);
    const added = await cart.addToCart(null, created.id, 1);
    assert.ok(added.ok);
    assert.ok((await checkout.startCheckout({ cartId: added.cartId, currency: 'usd' })).ok);
    const again = await manage.updateProduct(created.id, { ...parsed.product, currency: 'eur' }, null, 2);
    assert.equal(again.ok, false);
    assert.match(again.ok ? '' : (again.errors.currency ?? ''), /can no longer change/);
    assert.equal((await db().product.findUniqueOrThrow({ where: { id: created.id } })).currency, 'usd');
  });

  it('restocks by what the admin added, keeping units sold while the form was open sold', async () => {
    const parsed = manage.parseProductForm(form({ currency: 'usd', price: '10', stock: '5' }));
    assert.ok(parsed.ok);
    const created = await manage.createProduct(parsed.product, '/products/x.svg');
    assert.ok(created.ok);
    // The form shows 5; meanwhile two units are sold.
    const added = await cart.addToCart(null, created.id, 2);
    assert.ok(added.ok);
    assert.ok((await checkout.startCheckout({ cartId: added.cartId, currency: 'usd' })).ok);
    // The admin adds 3 (types 8 over the 5 shown): 3 + 3 left, not 8.
    const saved = await manage.updateProduct(created.id, { ...parsed.product, stock: 8 }, null, 5);
    assert.ok(saved.ok);
    assert.equal((await db().product.findUniqueOrThrow({ where: { id: created.id } })).stock, 6);
    // Saving other fields with the stock untouched leaves it alone.
    const renamed = await manage.updateProduct(
      created.id,
      { ...parsed.product, name: 'Renamed', stock: 6 },
      null,
      6,
    );
    assert.ok(renamed.ok);
    assert.equal((await db().product.findUniqueOrThrow({ where: { id: created.id } })).stock, 6);
  });
});

describe('images', () => {
  it('accepts whole PNG, JPEG and WebP files, recognised by their bytes', () => {
    assert.equal(images.sniffImage(PNG), 'png');
    assert.equal(images.sniffImage(jpeg(1000)), 'jpg');
    assert.equal(images.sniffImage(webp()), 'webp');
  });

  it('refuses text renamed .png, SVG, a 2.1 MB JPEG and a truncated PNG', () => {
    const refusals: Array<[string, Uint8Array, RegExp]> = [
      ['text', Buffer.from('hello, I am not a picture'), /PNG, JPEG or WebP/],
      ['svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), /PNG, JPEG or WebP/],
      ['2.1 MB jpeg', jpeg(2.1 * 1024 * 1024), /at most 2 MB/],
      ['truncated png', PNG.subarray(0, PNG.length - 10), /cut short/],
      ['empty', new Uint8Array(0), /Choose an image/],
    ];
    for (const [name, bytes, message] of refusals) {
      const checked = images.checkImage(bytes);
      assert.equal(checked.ok, false, name);
      assert.match(checked.ok ? '' : checked.message, message, name);
    }
  });

  it('stores each content once, under its hash, and reads it back only with its own extension', async () => {
    const first = await images.saveImage(PNG, 'png');
    const second = await images.saveImage(PNG, 'png');
    assert.equal(first, second);
    assert.match(first, /^\/images\/[0-9a-f]{64}\.png$/);
    const file = first.split('/').pop()!;
    const read = await images.readImage(file);
    assert.deepEqual(Buffer.from(read!.bytes), PNG);
    assert.equal(read!.contentType, 'image/png');
    assert.equal(await images.readImage(file.replace('.png', '.jpg')), null);
    assert.equal(await images.readImage('../../etc/passwd'), null);
  });
});
