-- Event sources were free text; they become one enum. A value outside it stops the migration with
-- the values it found, rather than a bare cast error on the first bad row.
DO $$
DECLARE
  strays text;
BEGIN
  SELECT string_agg(DISTINCT source, ', ') INTO strays
    FROM (SELECT source FROM "OrderEvent" UNION ALL SELECT source FROM "MandateEvent") AS events
   WHERE source NOT IN ('checkout', 'webhook', 'success_page', 'admin', 'customer', 'sweep');
  IF strays IS NOT NULL THEN
    RAISE EXCEPTION 'OrderEvent/MandateEvent.source holds values outside EventSource: %', strays;
  END IF;
END $$;

-- CreateEnum
CREATE TYPE "EventSource" AS ENUM ('checkout', 'webhook', 'success_page', 'admin', 'customer', 'sweep');

-- AlterTable
ALTER TABLE "OrderEvent" ALTER COLUMN "source" TYPE "EventSource" USING "source"::"EventSource";

-- AlterTable
ALTER TABLE "MandateEvent" ALTER COLUMN "source" TYPE "EventSource" USING "source"::"EventSource";
