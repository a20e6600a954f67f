-- Monthly totals next to the daily ones. With no date filter the admin totals summed every row of
-- "OrderDailyTotal": about 35,000 at 200,000 orders and more (730 days x the keys in use), against some 7,000 at
-- 10,000 orders, so they cost 3 times as much on a big shop as on a small one. Whole months now come from
-- "OrderMonthlyTotal" (about 30 times fewer rows) and only the days of a date filter outside whole months from
-- "OrderDailyTotal".
--
-- The same deferred constraint triggers keep both: one function, the daily rows first and then the monthly
-- ones, each statement in key order, so every transaction locks rollup rows in the same order.

-- No order may change between the new triggers' creation and the backfill (the file runs as one transaction).
LOCK TABLE "Order" IN SHARE ROW EXCLUSIVE MODE;

-- CreateTable
CREATE TABLE "OrderMonthlyTotal" (
    "currency" VARCHAR(3) NOT NULL,
    "status" "OrderStatus" NOT NULL,
    "method" TEXT NOT NULL,
    "month" DATE NOT NULL,
    "orders" INTEGER NOT NULL,
    "totalAmount" BIGINT NOT NULL,
    "amountRefunded" BIGINT NOT NULL,

    CONSTRAINT "OrderMonthlyTotal_pkey" PRIMARY KEY ("currency","status","method","month")
);

DROP TRIGGER "Order_daily_total_insert_delete" ON "Order";
DROP TRIGGER "Order_daily_total_update" ON "Order";
DROP TRIGGER "Order_daily_total_truncate" ON "Order";
DROP FUNCTION "order_daily_total_apply"();
DROP FUNCTION "order_daily_total_truncate"();

-- One order event's change to the rollups: minus the old row (UPDATE, DELETE), plus the new row (INSERT, UPDATE),
-- summed per key (ON CONFLICT may not touch a row twice); a change that cancels out (createdAt moved within its
-- day or month) locks nothing. OLD and NEW are the row versions of that event, also when it runs at commit.
CREATE FUNCTION "order_totals_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
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
  HAVING sum(d.orders) <> 0 OR sum(d.total) <> 0 OR sum(d.refunded) <> 0
  ORDER BY d.currency, d.status, d.method, d.day
  ON CONFLICT ("currency", "status", "method", "day") DO UPDATE SET
    "orders" = t."orders" + excluded."orders",
    "totalAmount" = t."totalAmount" + excluded."totalAmount",
    "amountRefunded" = t."amountRefunded" + excluded."amountRefunded";

  INSERT INTO "OrderMonthlyTotal" AS t ("currency", "status", "method", "month", "orders", "totalAmount", "amountRefunded")
  SELECT d.currency, d.status, d.method, d.month, sum(d.orders), sum(d.total), sum(d.refunded)
  FROM (
    SELECT OLD."currency", OLD."status", coalesce(OLD."paymentMethodType"::text, 'none'), date_trunc('month', OLD."createdAt")::date,
           -1, -OLD."totalAmount"::bigint, -OLD."amountRefunded"::bigint
    WHERE TG_OP IN ('UPDATE', 'DELETE')
    UNION ALL
    SELECT NEW."currency", NEW."status", coalesce(NEW."paymentMethodType"::text, 'none'), date_trunc('month', NEW."createdAt")::date,
           1, NEW."totalAmount"::bigint, NEW."amountRefunded"::bigint
    WHERE TG_OP IN ('INSERT', 'UPDATE')
  ) AS d (currency, status, method, month, orders, total, refunded)
  GROUP BY d.currency, d.status, d.method, d.month
  HAVING sum(d.orders) <> 0 OR sum(d.total) <> 0 OR sum(d.refunded) <> 0
  ORDER BY d.currency, d.status, d.method, d.month
  ON CONFLICT ("currency", "status", "method", "month") DO UPDATE SET
    "orders" = t."orders" + excluded."orders",
    "totalAmount" = t."totalAmount" + excluded."totalAmount",
    "amountRefunded" = t."amountRefunded" + excluded."amountRefunded";
  RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER "Order_totals_insert_delete"
  AFTER INSERT OR DELETE ON "Order"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION "order_totals_apply"();

-- Only changes to what the rollups key or add up: a customer name, an email or updatedAt queue nothing.
CREATE CONSTRAINT TRIGGER "Order_totals_update"
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
  EXECUTE FUNCTION "order_totals_apply"();

-- Row triggers do not see TRUNCATE. PostgreSQL refuses to truncate a table with trigger events still pending in
-- the same transaction, so nothing queued can land after this.
CREATE FUNCTION "order_totals_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "OrderDailyTotal";
  DELETE FROM "OrderMonthlyTotal";
  RETURN NULL;
END
$$;

CREATE TRIGGER "Order_totals_truncate"
  AFTER TRUNCATE ON "Order"
  FOR EACH STATEMENT EXECUTE FUNCTION "order_totals_truncate"();

-- Backfill from the daily totals, which are right: the lock above has kept every order as it was since.
INSERT INTO "OrderMonthlyTotal" ("currency", "status", "method", "month", "orders", "totalAmount", "amountRefunded")
SELECT t."currency", t."status", t."method", date_trunc('month', t."day")::date, sum(t."orders"), sum(t."totalAmount"), sum(t."amountRefunded")
FROM "OrderDailyTotal" t
GROUP BY 1, 2, 3, 4
HAVING sum(t."orders") <> 0;
