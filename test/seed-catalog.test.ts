// The seed catalog: its data, its images, and seeding a freshly migrated Postgres twice.
// Run: node --import tsx --test test/seed-catalog.test.ts
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { PrismaClient } from '../lib/generated/prisma/client.ts';
import { seedCurrencies, seedProducts } from '../prisma/catalog-data.ts';
import { assertValidCatalog, seedCatalog } from '../prisma/seed-catalog.ts';
import { migrationFiles, startTestDatabase, type TestDatabase } from '../stack/database.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const kebabCase = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

describe('seed catalog data', () => {
  test('has at least 14 products with kebab-case, unique slugs', () => {
    assert.ok(seedProducts.length >= 14, `only ${seedProducts.length} products`);
    const slugs = seedProducts.map((p) => p.slug);
    for (const slug of slugs) assert.match(slug, kebabCase);
    assert.equal(new Set(slugs).size, slugs.length, 'slugs must be unique');
    assert.doesNotThrow(() => assertValidCatalog(seedProducts));
  });

  test('sells at least 3 active products in each of usd, eur, gbp and jpy', () => {
    for (const currency of seedCurrencies) {
      const active = seedProducts.filter((p) => p.currency === currency && p.active);
      assert.ok(active.length >= 3, `${currency} has ${active.length} active products`);
    }
  });

  test('amounts are positive whole minor units (whole yen for jpy)', () => {
    for (const p of seedProducts) {
      assert.ok(Number.isInteger(p.unitAmount) && p.unitAmount > 0, `${p.slug}: ${p.unitAmount}`);
    }
    // A yen price of a few hundred would mean it was written as if jpy had cents.
    for (const p of seedProducts.filter((q) => q.currency === 'jpy')) {
      assert.ok(p.unitAmount >= 500, `${p.slug}: ¥${p.unitAmount} looks like a misplaced decimal`);
    }
  });

  test('includes exactly one discontinued (inactive) product', () => {
    assert.equal(seedProducts.filter((p) => !p.active).length, 1);
  });

  test('rejects bad data before writing anything', () => {
    const [first] = seedProducts;
    assert.ok(first);
    assert.throws(() => assertValidCatalog([{ ...first, slug: 'Not Kebab' }]), /kebab-case/);
    assert.throws(() => assertValidCatalog([first, first]), /appears twice/);
    assert.throws(() => assertValidCatalog([{ ...first, unitAmount: 12.5 }]), /whole number/);
  });

  test('every image is a small, self-contained 800×800 SVG in public/', async () => {
    for (const p of seedProducts) {
      const file = join(repoRoot, 'public', p.image);
      const { size } = await stat(file);
      assert.ok(size < 8 * 1024, `${p.image} is ${size} bytes`);
      const svg = await readFile(file, 'utf8');
      assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 800 800"/, p.image);
      const body = svg.replace('xmlns="http://www.w3.org/2000/svg"', '');
      assert.doesNotMatch(
        body,
        /https?:|data:|<text|<image|<foreignObject|@font-face|@import/i,
        `${p.image} must stand alone`,
      );
      for (const ref of body.matchAll(/(?:href="|url\()([^")]*)/g))
        assert.match(ref[1] ?? '', /^#/, `${p.image}: ${ref[0]}`);
    }
  });
});

describe('seedCatalog against a freshly migrated Postgres', () => {
  let database: TestDatabase | undefined;

  const db = (): PrismaClient => {
    assert.ok(database, 'database not started');
    return database.prisma;
  };

  before(async () => {
    const migrations = await migrationFiles();
    assert.ok(
      migrations.length > 0,
      'prisma/migrations holds no migration yet: nothing to migrate the test database with',
    );

    database = await startTestDatabase(); // migrated, not seeded
  });

  after(async () => {
    await database?.stop();
  });

  test('seeding twice leaves the same rows', async () => {
    assert.equal(await db().product.count(), 0, 'a freshly migrated database has no products');
    assert.deepEqual(await seedCatalog(db()), { upserted: seedProducts.length });
    const first = await db().product.findMany({ orderBy: { slug: 'asc' } });
    assert.equal(first.length, seedProducts.length);

    await seedCatalog(db());
    const second = await db().product.findMany({ orderBy: { slug: 'asc' } });
    assert.equal(second.length, seedProducts.length);
    assert.deepEqual(
      second.map(({ id, slug }) => ({ id, slug })),
      first.map(({ id, slug }) => ({ id, slug })),
      'the second run updates the same rows instead of adding new ones',
    );
  });

  test('rows match the seed data, and reseeding undoes edits', async () => {
    const [target] = seedProducts;
    assert.ok(target);
    await db().product.update({
      where: { slug: target.slug },
      data: { name: 'Edited', unitAmount: 1, currency: 'xxx', active: !target.active, image: '/x.svg' },
    });
    await seedCatalog(db());

    const rows = await db().product.findMany();
    const bySlug = new Map(rows.map((r) => [r.slug, r]));
    for (const p of seedProducts) {
      const row = bySlug.get(p.slug);
      assert.ok(row, `${p.slug} missing`);
      assert.deepEqual(
        {
          name: row.name,
          description: row.description,
          image: row.image,
          unitAmount: row.unitAmount,
          currency: row.currency,
          active: row.active,
        },
        {
          name: p.name,
          description: p.description,
          image: p.image,
          unitAmount: p.unitAmount,
          currency: p.currency,
          active: p.active,
        },
      );
    }
  });

  test('leaves products that are not in the seed alone', async () => {
    await db().product.create({
      data: {
        slug: 'shop-made-gift-card',
        name: 'Gift card',
        description: 'Made in the shop.',
        image: '/x.svg',
        unitAmount: 2000,
        currency: 'usd',
      },
    });
    await seedCatalog(db());
    assert.equal(await db().product.count(), seedProducts.length + 1);
    await db().product.delete({ where: { slug: 'shop-made-gift-card' } });
  });

  test('each currency appears, jpy is whole yen, one product is inactive', async () => {
    const rows = await db().product.findMany();
    for (const currency of seedCurrencies) {
      assert.ok(rows.filter((r) => r.currency === currency && r.active).length >= 3, currency);
    }
    for (const r of rows.filter((row) => row.currency === 'jpy'))
      assert.ok(Number.isInteger(r.unitAmount), r.slug);
    assert.equal(rows.filter((r) => !r.active).length, 1);
  });

  test('slugs are kebab-case and unique, and every image exists in public/', async () => {
    const rows = await db().product.findMany();
    assert.equal(new Set(rows.map((r) => r.slug)).size, rows.length);
    for (const r of rows) {
      assert.match(r.slug, kebabCase);
      assert.ok(r.image.startsWith('/products/'), r.image);
      await stat(join(repoRoot, 'public', r.image)); // throws ENOENT if missing
    }
  });
});
