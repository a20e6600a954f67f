-- AlterTable
ALTER TABLE "Mandate" ADD COLUMN     "evidenceMac" CHAR(64);

-- The evidence of an agreement is written once, when the customer agrees: who, which terms and their hash,
-- when, from where, with what, how often, and the seal over all of it. Nothing may change it afterwards,
-- whatever writes to the database; status, Stripe's ids and the revocation still change as they must.
CREATE FUNCTION "mandate_evidence_frozen"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the evidence of agreement % cannot be changed', OLD.id
    USING ERRCODE = 'integrity_constraint_violation';
END
$$;

CREATE TRIGGER "Mandate_evidence_frozen"
  BEFORE UPDATE ON "Mandate"
  FOR EACH ROW
  WHEN (
    OLD."userId" IS DISTINCT FROM NEW."userId"
    OR OLD."frequency" IS DISTINCT FROM NEW."frequency"
    OR OLD."termsVersion" IS DISTINCT FROM NEW."termsVersion"
    OR OLD."termsSha256" IS DISTINCT FROM NEW."termsSha256"
    OR OLD."acceptedAt" IS DISTINCT FROM NEW."acceptedAt"
    OR OLD."ipAddress" IS DISTINCT FROM NEW."ipAddress"
    OR OLD."userAgent" IS DISTINCT FROM NEW."userAgent"
    OR OLD."evidenceMac" IS DISTINCT FROM NEW."evidenceMac"
  )
  EXECUTE FUNCTION "mandate_evidence_frozen"();
