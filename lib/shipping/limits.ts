/** Lengths of the shipment fields an admin types (shared by the form and its server action). */
export const CARRIER_MAX = 60;
export const TRACKING_MAX = 100;
