-- CreateEnum
CREATE TYPE "FulfillmentStatus" AS ENUM ('unfulfilled', 'shipped', 'delivered', 'returned');

-- AlterTable
ALTER TABLE "Product" ADD COLUMN     "stock" INTEGER;

-- Stock is reserved with conditional updates (lib/catalog/stock.ts); this is the last line of defence.
ALTER TABLE "Product" ADD CONSTRAINT "Product_stock_not_negative" CHECK ("stock" IS NULL OR "stock" >= 0);

-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "carrier" TEXT,
ADD COLUMN     "deliveredAt" TIMESTAMP(3),
ADD COLUMN     "fulfillmentStatus" "FulfillmentStatus" NOT NULL DEFAULT 'unfulfilled',
ADD COLUMN     "shippedAt" TIMESTAMP(3),
ADD COLUMN     "shippingAmount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "shippingCity" TEXT,
ADD COLUMN     "shippingCountry" VARCHAR(2),
ADD COLUMN     "shippingLine1" TEXT,
ADD COLUMN     "shippingLine2" TEXT,
ADD COLUMN     "shippingName" TEXT,
ADD COLUMN     "shippingPostalCode" TEXT,
ADD COLUMN     "shippingRateName" TEXT,
ADD COLUMN     "shippingState" TEXT,
ADD COLUMN     "stockReserved" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "trackingNumber" TEXT;

-- CreateTable
CREATE TABLE "ProductImage" (
    "sha256" CHAR(64) NOT NULL,
    "contentType" TEXT NOT NULL,
    "bytes" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProductImage_pkey" PRIMARY KEY ("sha256")
);

-- CreateIndex
CREATE INDEX "Order_fulfillmentStatus_createdAt_id_idx" ON "Order"("fulfillmentStatus", "createdAt" DESC, "id" DESC);
