-- The monthly box's emails (lib/email/messages/box.ts): started, a renewal that failed, ended.
ALTER TYPE "EmailKind" ADD VALUE 'box_started';
ALTER TYPE "EmailKind" ADD VALUE 'box_payment_failed';
ALTER TYPE "EmailKind" ADD VALUE 'box_ended';
