-- Indexes for the admin order list: each filter (status, currency, payment method) leads an index that
-- ends in the keyset columns (createdAt DESC, id DESC), so every page is an index range scan, never OFFSET.
-- Email search is case-insensitive and matches parts of addresses (ILIKE), which only a trigram index serves.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateIndex
CREATE INDEX "Order_status_createdAt_id_idx" ON "Order"("status", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Order_currency_createdAt_id_idx" ON "Order"("currency", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Order_paymentMethodType_createdAt_id_idx" ON "Order"("paymentMethodType", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Order_email_trgm_idx" ON "Order" USING GIN ("email" gin_trgm_ops);
