-- The monthly box: Stripe Billing subscriptions under `monthly` agreements (lib/billing/).
CREATE TYPE "SubscriptionStatus" AS ENUM ('pending', 'failed', 'incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'unpaid', 'paused', 'canceled');

CREATE TABLE "BoxPrice" (
    "currency" VARCHAR(3) NOT NULL,
    "stripePriceId" TEXT NOT NULL,
    "stripeProductId" TEXT NOT NULL,
    "unitAmount" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BoxPrice_pkey" PRIMARY KEY ("currency")
);
CREATE UNIQUE INDEX "BoxPrice_stripePriceId_key" ON "BoxPrice"("stripePriceId");

CREATE TABLE "Subscription" (
    "id" UUID NOT NULL,
    "userId" TEXT NOT NULL,
    "mandateId" UUID NOT NULL,
    "status" "SubscriptionStatus" NOT NULL DEFAULT 'pending',
    "currency" VARCHAR(3) NOT NULL,
    "unitAmount" INTEGER NOT NULL,
    "stripePriceId" TEXT NOT NULL,
    "stripeCustomerId" TEXT NOT NULL,
    "stripeSubscriptionId" TEXT,
    "stripeCheckoutSessionId" TEXT,
    "renewalDay" INTEGER NOT NULL CHECK ("renewalDay" BETWEEN 1 AND 31),
    "currentPeriodStart" TIMESTAMP(3),
    "currentPeriodEnd" TIMESTAMP(3),
    "cancelAtPeriodEnd" BOOLEAN NOT NULL DEFAULT false,
    "canceledAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),
    "endReason" TEXT,
    "cancelRetryAt" TIMESTAMP(3),
    "syncedAt" TIMESTAMP(3),
    "shippingName" TEXT NOT NULL,
    "shippingLine1" TEXT NOT NULL,
    "shippingLine2" TEXT,
    "shippingCity" TEXT NOT NULL,
    "shippingState" TEXT,
    "shippingPostalCode" TEXT,
    "shippingCountry" VARCHAR(2) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Subscription_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Subscription_stripeSubscriptionId_key" ON "Subscription"("stripeSubscriptionId");
CREATE UNIQUE INDEX "Subscription_stripeCheckoutSessionId_key" ON "Subscription"("stripeCheckoutSessionId");
CREATE INDEX "Subscription_userId_createdAt_idx" ON "Subscription"("userId", "createdAt" DESC);
CREATE INDEX "Subscription_mandateId_idx" ON "Subscription"("mandateId");
CREATE INDEX "Subscription_cancelRetryAt_idx" ON "Subscription"("cancelRetryAt");
CREATE INDEX "Subscription_createdAt_id_idx" ON "Subscription"("createdAt" DESC, "id" DESC);
CREATE INDEX "Subscription_status_createdAt_id_idx" ON "Subscription"("status", "createdAt" DESC, "id" DESC);
CREATE INDEX "Subscription_currency_createdAt_id_idx" ON "Subscription"("currency", "createdAt" DESC, "id" DESC);
-- One box per customer and currency while it lives (or is being made): a second subscribe is refused.
CREATE UNIQUE INDEX "Subscription_one_live_box" ON "Subscription"("userId", "currency")
    WHERE "status" IN ('pending', 'incomplete', 'trialing', 'active', 'past_due', 'unpaid', 'paused');

CREATE TABLE "SubscriptionInvoice" (
    "id" UUID NOT NULL,
    "subscriptionId" UUID NOT NULL,
    "stripeInvoiceId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "billingReason" TEXT,
    "currency" VARCHAR(3) NOT NULL,
    "amountDue" INTEGER NOT NULL,
    "amountPaid" INTEGER NOT NULL,
    "attemptCount" INTEGER NOT NULL DEFAULT 0,
    "nextPaymentAttempt" TIMESTAMP(3),
    "hostedInvoiceUrl" TEXT,
    "lastFailure" TEXT,
    "periodStart" TIMESTAMP(3),
    "periodEnd" TIMESTAMP(3),
    "stripeCreatedAt" TIMESTAMP(3) NOT NULL,
    "syncedAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SubscriptionInvoice_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "SubscriptionInvoice_stripeInvoiceId_key" ON "SubscriptionInvoice"("stripeInvoiceId");
CREATE INDEX "SubscriptionInvoice_subscriptionId_stripeCreatedAt_idx" ON "SubscriptionInvoice"("subscriptionId", "stripeCreatedAt" DESC);
CREATE INDEX "SubscriptionInvoice_status_stripeCreatedAt_idx" ON "SubscriptionInvoice"("status", "stripeCreatedAt" DESC);

ALTER TABLE "Order" ADD COLUMN "subscriptionId" UUID,
ADD COLUMN "stripeInvoiceId" TEXT;
CREATE UNIQUE INDEX "Order_stripeInvoiceId_key" ON "Order"("stripeInvoiceId");
CREATE INDEX "Order_subscriptionId_idx" ON "Order"("subscriptionId");

ALTER TABLE "Order" ADD CONSTRAINT "Order_subscriptionId_fkey" FOREIGN KEY ("subscriptionId") REFERENCES "Subscription"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Subscription" ADD CONSTRAINT "Subscription_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Subscription" ADD CONSTRAINT "Subscription_mandateId_fkey" FOREIGN KEY ("mandateId") REFERENCES "Mandate"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "SubscriptionInvoice" ADD CONSTRAINT "SubscriptionInvoice_subscriptionId_fkey" FOREIGN KEY ("subscriptionId") REFERENCES "Subscription"("id") ON DELETE CASCADE ON UPDATE CASCADE;
