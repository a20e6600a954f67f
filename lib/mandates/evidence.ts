import 'server-only';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { env } from '../platform/env';

/**
 * The seal over an agreement's evidence: an HMAC keyed by EVIDENCE_SECRET over
 * every field that proves what the customer agreed to. A database trigger
 * refuses changes to those columns; the seal shows whether they were changed
 * anyway (the trigger dropped, a restore edited), since no one without the
 * secret can make a new one.
 */
export type Evidence = {
  id: string;
  userId: string;
  frequency: string;
  termsVersion: string;
  termsSha256: string;
  acceptedAt: Date;
  ipAddress: string | null;
  userAgent: string | null;
};

export function sealEvidence(evidence: Evidence): string {
  const fields = [
    evidence.id,
    evidence.userId,
    evidence.frequency,
    evidence.termsVersion,
    evidence.termsSha256,
    evidence.acceptedAt.toISOString(),
    evidence.ipAddress,
    evidence.userAgent,
  ];
  return createHmac('sha256', env().evidenceSecret).update(JSON.stringify(fields)).digest('hex');
}

/** True when the evidence is as sealed, false when it was changed, null for an agreement recorded before seals. */
export function evidenceIntact(evidence: Evidence & { evidenceMac: string | null }): boolean | null {
  if (evidence.evidenceMac === null) return null;
  const expected = Buffer.from(sealEvidence(evidence), 'hex');
  const stored = Buffer.from(evidence.evidenceMac, 'hex');
  return stored.length === expected.length && timingSafeEqual(stored, expected);
}
