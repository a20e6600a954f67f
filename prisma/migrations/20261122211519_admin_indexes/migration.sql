-- Indexes for the admin order list: each filter (status, currency, payment method) leads an index that
-- ends in the keyset columns (createdAt DESC, id DESC), so every page is an index range scan, never OFFSET.
-- Email search is case-insensitive: a whole address walks lower(email) in keyset order (an expression
-- index, which schema.prisma cannot describe and Prisma Migrate leaves alone); part of an address
-- (ILIKE '%…%') is found through a trigram index.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateIndex
CREATE INDEX "Order_status_createdAt_id_idx" ON "Order"("status", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Order_currency_createdAt_id_idx" ON "Order"("currency", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Order_paymentMethodType_createdAt_id_idx" ON "Order"("paymentMethodType", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Order_email_trgm_idx" ON "Order" USING GIN ("email" gin_trgm_ops);

-- CreateIndex (expression index: kept here only, not in schema.prisma)
CREATE INDEX "Order_lower_email_createdAt_id_idx" ON "Order"(lower("email"), "createdAt" DESC, "id" DESC);
