-- The admin mandate and charge lists page by (createdAt, id), unfiltered or by status:
-- without these, every page of either list sorted the whole table.
DROP INDEX "Mandate_status_createdAt_idx";
DROP INDEX "OffSessionCharge_status_createdAt_idx";

CREATE INDEX "Mandate_createdAt_id_idx" ON "Mandate"("createdAt" DESC, "id" DESC);
CREATE INDEX "Mandate_status_createdAt_id_idx" ON "Mandate"("status", "createdAt" DESC, "id" DESC);
CREATE INDEX "OffSessionCharge_createdAt_id_idx" ON "OffSessionCharge"("createdAt" DESC, "id" DESC);
CREATE INDEX "OffSessionCharge_status_createdAt_id_idx" ON "OffSessionCharge"("status", "createdAt" DESC, "id" DESC);
