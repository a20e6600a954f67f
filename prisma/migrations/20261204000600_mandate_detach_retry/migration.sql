-- AlterTable
ALTER TABLE "Mandate" ADD COLUMN     "detachRetryAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Mandate_detachRetryAt_idx" ON "Mandate"("detachRetryAt");


