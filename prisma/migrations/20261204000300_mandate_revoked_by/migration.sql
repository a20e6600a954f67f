-- CreateEnum
CREATE TYPE "MandateRevokedBy" AS ENUM ('customer', 'admin', 'amazon', 'method_detached');

-- AlterTable
ALTER TABLE "Mandate" ADD COLUMN     "revokedBy" "MandateRevokedBy";

-- Agreements revoked before this column existed: their revocation event says who.
-- A webhook then meant a detached method (mandate.updated was only sent for one).
UPDATE "Mandate" m
SET "revokedBy" = CASE e.source WHEN 'customer' THEN 'customer'::"MandateRevokedBy"
                                WHEN 'admin' THEN 'admin'::"MandateRevokedBy"
                                ELSE 'method_detached'::"MandateRevokedBy" END
FROM (
  SELECT DISTINCT ON ("mandateId") "mandateId", source
  FROM "MandateEvent" WHERE type = 'revoked'
  ORDER BY "mandateId", "createdAt" DESC
) e
WHERE m.id = e."mandateId" AND m.status = 'revoked';
