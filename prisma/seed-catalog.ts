import type { PrismaClient } from '../lib/generated/prisma/client.ts';
import { seedCurrencies, seedProducts, type SeedProduct } from './catalog-data.ts';

const kebabCase = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Throws if the catalog data breaks a rule the storefront relies on, before anything is written:
 * kebab-case unique slugs, images at /products/<slug>.svg, positive whole minor-unit amounts
 * in a known lower-case currency.
 */
export function assertValidCatalog(products: readonly SeedProduct[]): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const p of products) {
    if (!kebabCase.test(p.slug)) problems.push(`slug "${p.slug}" is not kebab-case`);
    if (seen.has(p.slug)) problems.push(`slug "${p.slug}" appears twice`);
    seen.add(p.slug);
    if (p.image !== `/products/${p.slug}.svg`)
      problems.push(`${p.slug}: image should be /products/${p.slug}.svg, not ${p.image}`);
    if (!Number.isSafeInteger(p.unitAmount) || p.unitAmount <= 0) {
      problems.push(`${p.slug}: unitAmount ${p.unitAmount} is not a positive whole number of minor units`);
    }
    if (!(seedCurrencies as readonly string[]).includes(p.currency))
      problems.push(`${p.slug}: unknown currency "${p.currency}"`);
    if (p.name.trim() === '' || p.description.trim() === '')
      problems.push(`${p.slug}: name and description must not be empty`);
  }
  if (problems.length > 0) throw new Error(`Invalid seed catalog:\n- ${problems.join('\n- ')}`);
}

export type SeedCatalogResult = { upserted: number };

/**
 * Writes the seed catalog, keyed by slug: new products are created, existing ones are brought
 * back to the seed's name, description, image, price, currency and active flag. Running it again
 * changes nothing; products not in the seed are left alone. All rows are written in one transaction.
 */
export async function seedCatalog(
  prisma: PrismaClient,
  products: readonly SeedProduct[] = seedProducts,
): Promise<SeedCatalogResult> {
  assertValidCatalog(products);
  const written = await prisma.$transaction(
    products.map((p) => {
      const data = {
        name: p.name,
        description: p.description,
        image: p.image,
        unitAmount: p.unitAmount,
        currency: p.currency,
        active: p.active,
      };
      return prisma.product.upsert({
        where: { slug: p.slug },
        create: { slug: p.slug, ...data },
        update: data,
      });
    }),
  );
  return { upserted: written.length };
}
