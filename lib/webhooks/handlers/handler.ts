import 'server-only';
import type Stripe from 'stripe';
import type { Tx } from '../../platform/db';
import type { ClaimStatement } from '../../orders/fulfillment-claim';
import { recordOutcome, type Outcome } from '../ledger';

/**
 * A handler reads what Stripe says now (never the event body's copy) and
 * returns what to write: either given the transaction that claimed the
 * event, or as one statement that claims the event itself.
 */
export type Apply = (tx: Tx, eventId: string) => Promise<Outcome>;
/** What a handler writes in one statement that claims the event itself; 'duplicate' when it was done before. */
export type ApplyClaiming = {
  claiming: (claim: ClaimStatement, eventId: string) => Promise<Outcome | 'duplicate'>;
};
export type Handler = (event: Stripe.Event) => Promise<Apply | ApplyClaiming>;

/** Nothing to do but record the event as seen. */
export const IGNORE: ApplyClaiming = { claiming: (claim) => recordOutcome(claim, 'ignored') };
