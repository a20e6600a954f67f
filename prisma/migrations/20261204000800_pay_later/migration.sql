-- Pay later under a per-order agreement (lib/orders/pay-later.ts).
ALTER TYPE "OrderStatus" ADD VALUE 'charge_at_shipment';
ALTER TYPE "OrderStatus" ADD VALUE 'awaiting_payment';
ALTER TYPE "EmailKind" ADD VALUE 'order_placed';

ALTER TABLE "Order" ADD COLUMN "mandateId" UUID,
ADD COLUMN "paymentDueAt" TIMESTAMP(3);

ALTER TABLE "OffSessionCharge" ADD COLUMN "carrier" TEXT,
ADD COLUMN "trackingNumber" TEXT;

CREATE TABLE "Address" (
    "id" UUID NOT NULL,
    "userId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "line1" TEXT NOT NULL,
    "line2" TEXT,
    "city" TEXT NOT NULL,
    "state" TEXT,
    "postalCode" TEXT,
    "country" VARCHAR(2) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Address_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "Address_userId_createdAt_idx" ON "Address"("userId", "createdAt");
CREATE INDEX "Order_mandateId_idx" ON "Order"("mandateId");
CREATE INDEX "Order_paymentDueAt_idx" ON "Order"("paymentDueAt");

ALTER TABLE "Order" ADD CONSTRAINT "Order_mandateId_fkey" FOREIGN KEY ("mandateId") REFERENCES "Mandate"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Address" ADD CONSTRAINT "Address_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
