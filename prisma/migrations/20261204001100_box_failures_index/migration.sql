-- The admin's failed payments (lib/admin/subscription-failures.ts) list boxes that ended unpaid, newest first.
CREATE INDEX "Subscription_ended_unpaid_idx" ON "Subscription" ((coalesce("endedAt", "createdAt")) DESC, id DESC)
    WHERE "endReason" = 'payment_failed';
