import 'server-only';
import { Prisma } from '../generated/prisma/client';
import { db, type Tx } from '../platform/db';
import { refundableAmount } from '../orders/refunds';

/**
 * Stock: Product.stock counts the units that can still be sold (null: made to
 * order, no limit). A checkout takes its units out when it writes its pending
 * order, in the same transaction; they go back exactly once if that order never
 * gets paid (expired, failed, or Stripe refused the session), or when an admin
 * puts a refunded order's goods back on the shelf. Order.stockReserved records
 * that the order holds units, so a release is a conditional update that only
 * one caller can win.
 */

export { LOW_STOCK, stockNote } from './stock-note';

export type StockLine = { productId: string; name: string; quantity: number };

export type Shortage = { productId: string; name: string; wanted: number; left: number };

export class StockShortageError extends Error {
  override name = 'StockShortageError';
  constructor(readonly shortages: Shortage[]) {
    super(shortages.map((s) => `${s.name}: ${s.wanted} wanted, ${s.left} left`).join('; '));
  }
}

/**
 * Takes each line's quantity out of its product's stock, or throws StockShortageError
 * naming every line that cannot be covered (the caller's transaction then rolls back
 * whatever was taken). Rows are updated in product-id order, so two checkouts of
 * the same products lock them in the same order and cannot deadlock. The update is
 * conditional (`stock >= quantity`), so concurrent checkouts never take more than
 * there is: the second waits for the first's row lock and re-checks the condition.
 */
export async function reserveStock(tx: Tx, lines: readonly StockLine[]): Promise<void> {
  const wanted = new Map<string, StockLine>();
  for (const line of lines) {
    const seen = wanted.get(line.productId);
    wanted.set(line.productId, seen ? { ...seen, quantity: seen.quantity + line.quantity } : line);
  }
  const shortages: Shortage[] = [];
  // Lower-case UUID text sorts as PostgreSQL sorts the uuids (restockCtes locks in that order too).
  const inIdOrder = [...wanted.values()].sort((a, b) => (a.productId < b.productId ? -1 : 1));
  for (const line of inIdOrder) {
    const taken = await tx.$queryRaw<unknown[]>(Prisma.sql`
      UPDATE "Product" SET stock = stock - ${line.quantity}::int, "updatedAt" = now()
      WHERE id = ${line.productId}::uuid AND stock IS NOT NULL AND stock >= ${line.quantity}::int
      RETURNING stock`);
    if (taken.length > 0) continue;
    // A statement of its own, so it reads the newest committed stock, not the one the update began with.
    const [current] = await tx.$queryRaw<Array<{ stock: number | null }>>(
      Prisma.sql`SELECT stock FROM "Product" WHERE id = ${line.productId}::uuid`,
    );
    if (!current || current.stock === null) continue;
    shortages.push({
      productId: line.productId,
      name: line.name,
      wanted: line.quantity,
      left: current.stock,
    });
  }
  if (shortages.length > 0) throw new StockShortageError(shortages);
}

/**
 * CTEs (to follow others in a WITH) that add back the units of the orders listed by
 * the CTE named `released` (one column, id). Product rows are locked in id order
 * first, like reserveStock, so a release and a checkout cannot deadlock.
 */
export function restockCtes(released: string): Prisma.Sql {
  const from = Prisma.raw(`"${released.replaceAll('"', '')}"`);
  return Prisma.sql`
    released_lines AS (
      SELECT ol."productId", sum(ol.quantity)::int AS quantity
      FROM "OrderLine" ol JOIN ${from} r ON r.id = ol."orderId"
      WHERE ol."productId" IS NOT NULL
      GROUP BY ol."productId"
    ),
    released_locks AS (
      SELECT p.id FROM "Product" p JOIN released_lines l ON l."productId" = p.id
      WHERE p.stock IS NOT NULL ORDER BY p.id FOR UPDATE OF p
    ),
    restocked AS (
      UPDATE "Product" p SET stock = p.stock + l.quantity, "updatedAt" = now()
      FROM released_lines l JOIN released_locks k ON k.id = l."productId"
      WHERE p.id = l."productId"
    )`;
}

/**
 * Puts an order's units back, once: only the caller that clears the order's
 * stockReserved flag adds them. Returns whether this call released anything.
 */
export async function releaseStock(tx: Pick<Tx, '$queryRaw'>, orderId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<Array<{ released: boolean }>>(Prisma.sql`
    WITH released AS (
      UPDATE "Order" SET "stockReserved" = false, "updatedAt" = now()
      WHERE id = ${orderId}::uuid AND "stockReserved"
      RETURNING id
    ),
    ${restockCtes('released')}
    SELECT EXISTS (SELECT 1 FROM released) AS released`);
  return rows[0]?.released ?? false;
}

/**
 * After a refund of everything on an order that never shipped, an admin may put its
 * units back on the shelf: once (releaseStock's flag), only while nothing is left to
 * refund and the goods are still here, and on the order's timeline with who did it.
 */
export async function restockRefundedOrder(
  orderId: string,
  actor: { email: string },
): Promise<'restocked' | 'not_eligible' | 'already'> {
  return db.$transaction(async (tx) => {
    const order = await tx.order.findUnique({
      where: { id: orderId },
      select: {
        fulfillmentStatus: true,
        stockReserved: true,
        totalAmount: true,
        amountRefunded: true,
        refunds: { select: { amount: true, status: true } },
      },
    });
    if (!order || order.fulfillmentStatus !== 'unfulfilled') return 'not_eligible';
    if (refundableAmount(order, order.refunds) > 0) return 'not_eligible';
    if (!(await releaseStock(tx, orderId))) return 'already';
    await tx.orderEvent.create({
      data: {
        orderId,
        type: 'restocked',
        source: 'admin',
        message: `Items put back in stock by ${actor.email}.`,
      },
    });
    return 'restocked';
  });
}
