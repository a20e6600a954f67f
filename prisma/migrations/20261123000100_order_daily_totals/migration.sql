-- Totals per currency for the admin order list, kept by PostgreSQL itself. At 1,000,000 orders a GROUP BY over
-- "Order" took 290-360 ms; "OrderDailyTotal" holds one row per (currency, status, payment method, UTC day), a few
-- tens of thousands of rows at most, and every filter of the list except the search maps onto its columns exactly
-- (from/to are inclusive UTC days, and createdAt is a timestamp without time zone holding UTC).
--
-- Triggers keep it right whatever writes orders (checkout, webhooks, refunds, admin actions, any number of app
-- instances, psql). They are DEFERRABLE INITIALLY DEFERRED constraint triggers: each order change queues an event
-- and the rollup rows are updated at commit, so their row locks are held from commit to the end of commit only,
-- not for the rest of a webhook's transaction; a transaction that rolls back never touches the rollup at all.
-- Each event is applied by one statement that adds the old key's negative delta and the new key's delta, summed
-- per key first (ON CONFLICT may not touch a row twice) and written in key order: two transactions that change
-- orders of the same keys lock them in the same order and cannot deadlock on one event's pair of rows.
--
-- Rows whose orders reach zero stay, with zero amounts: deleting them would add work (and a delete/insert race)
-- to hot paths such as pending -> paid, for a table bounded by days x currencies x statuses x methods anyway.
-- Readers skip them (HAVING sum(orders) > 0).
--
-- Bulk loads that turn triggers off (session_replication_role = replica, as scripts/seed-bulk.ts does) must add
-- their own rows' totals; TRUNCATE "Order" empties the rollup too.

-- Hold off concurrent writers from here to commit: no order can change between the triggers' creation and the
-- backfill, so none is counted twice or missed. (The whole file runs as one transaction.)
LOCK TABLE "Order" IN SHARE ROW EXCLUSIVE MODE;

-- DropIndex: ("status", "createdAt" DESC) is a prefix of "Order_status_createdAt_id_idx" ("status", "createdAt" DESC,
-- "id" DESC), which answers every query it could; it only cost every insert and status change.
DROP INDEX "Order_status_createdAt_idx";

-- CreateTable
CREATE TABLE "OrderDailyTotal" (
    "currency" VARCHAR(3) NOT NULL,
    "status" "OrderStatus" NOT NULL,
    "method" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "orders" INTEGER NOT NULL,
    "totalAmount" BIGINT NOT NULL,
    "amountRefunded" BIGINT NOT NULL,

    CONSTRAINT "OrderDailyTotal_pkey" PRIMARY KEY ("currency","status","method","day")
);

-- One order event's change to the rollup: minus the old row (UPDATE, DELETE), plus the new row (INSERT, UPDATE).
-- OLD and NEW are the row versions of that event, also when the trigger runs later, at commit.
CREATE FUNCTION "order_daily_total_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "OrderDailyTotal" AS t ("currency", "status", "method", "day", "orders", "totalAmount", "amountRefunded")
  SELECT d.currency, d.status, d.method, d.day, sum(d.orders), sum(d.total), sum(d.refunded)
  FROM (
    SELECT OLD."currency", OLD."status", coalesce(OLD."paymentMethodType"::text, 'none'), OLD."createdAt"::date,
           -1, -OLD."totalAmount"::bigint, -OLD."amountRefunded"::bigint
    WHERE TG_OP IN ('UPDATE', 'DELETE')
    UNION ALL
    SELECT NEW."currency", NEW."status", coalesce(NEW."paymentMethodType"::text, 'none'), NEW."createdAt"::date,
           1, NEW."totalAmount"::bigint, NEW."amountRefunded"::bigint
    WHERE TG_OP IN ('INSERT', 'UPDATE')
  ) AS d (currency, status, method, day, orders, total, refunded)
  GROUP BY d.currency, d.status, d.method, d.day
  -- A change that cancels out (a createdAt moved within its day) locks nothing.
  HAVING sum(d.orders) <> 0 OR sum(d.total) <> 0 OR sum(d.refunded) <> 0
  ORDER BY d.currency, d.status, d.method, d.day
  ON CONFLICT ("currency", "status", "method", "day") DO UPDATE SET
    "orders" = t."orders" + excluded."orders",
    "totalAmount" = t."totalAmount" + excluded."totalAmount",
    "amountRefunded" = t."amountRefunded" + excluded."amountRefunded";
  RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER "Order_daily_total_insert_delete"
  AFTER INSERT OR DELETE ON "Order"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION "order_daily_total_apply"();

-- Only changes to what the rollup keys or adds up: a customer name, an email or updatedAt queue nothing.
CREATE CONSTRAINT TRIGGER "Order_daily_total_update"
  AFTER UPDATE ON "Order"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW
  WHEN (
    OLD."status" IS DISTINCT FROM NEW."status"
    OR OLD."paymentMethodType" IS DISTINCT FROM NEW."paymentMethodType"
    OR OLD."currency" IS DISTINCT FROM NEW."currency"
    OR OLD."createdAt"::date IS DISTINCT FROM NEW."createdAt"::date
    OR OLD."totalAmount" IS DISTINCT FROM NEW."totalAmount"
    OR OLD."amountRefunded" IS DISTINCT FROM NEW."amountRefunded"
  )
  EXECUTE FUNCTION "order_daily_total_apply"();

-- Row triggers do not see TRUNCATE (test suites use it). PostgreSQL refuses to truncate a table with trigger events
-- still pending in the same transaction, so nothing queued can land after this.
CREATE FUNCTION "order_daily_total_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "OrderDailyTotal";
  RETURN NULL;
END
$$;

CREATE TRIGGER "Order_daily_total_truncate"
  AFTER TRUNCATE ON "Order"
  FOR EACH STATEMENT EXECUTE FUNCTION "order_daily_total_truncate"();

-- Backfill from the orders there are.
INSERT INTO "OrderDailyTotal" ("currency", "status", "method", "day", "orders", "totalAmount", "amountRefunded")
SELECT o."currency", o."status", coalesce(o."paymentMethodType"::text, 'none'), o."createdAt"::date,
       count(*), sum(o."totalAmount"), sum(o."amountRefunded")
FROM "Order" o
GROUP BY 1, 2, 3, 4;
