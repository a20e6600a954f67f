// Stripe's test card numbers and what each one does.

export interface TestCard {
  brand: 'visa' | 'mastercard' | 'amex';
  funding: 'credit' | 'debit';
  country: string;
  /** What happens when the card is used on-session (hosted Checkout). */
  onSession: 'succeeds' | 'declined' | 'insufficient_funds' | 'requires_authentication';
  /** How a saved card answers an off-session charge. */
  offSession: 'succeeds' | 'authentication_required' | 'card_declined';
}

const CARDS: Record<string, TestCard> = {
  '4242424242424242': {
    brand: 'visa',
    funding: 'credit',
    country: 'US',
    onSession: 'succeeds',
    offSession: 'succeeds',
  },
  '4000056655665556': {
    brand: 'visa',
    funding: 'debit',
    country: 'US',
    onSession: 'succeeds',
    offSession: 'succeeds',
  },
  '5555555555554444': {
    brand: 'mastercard',
    funding: 'credit',
    country: 'US',
    onSession: 'succeeds',
    offSession: 'succeeds',
  },
  '378282246310005': {
    brand: 'amex',
    funding: 'credit',
    country: 'US',
    onSession: 'succeeds',
    offSession: 'succeeds',
  },
  '4000000000000002': {
    brand: 'visa',
    funding: 'credit',
    country: 'US',
    onSession: 'declined',
    offSession: 'card_declined',
  },
  '4000000000009995': {
    brand: 'visa',
    funding: 'credit',
    country: 'US',
    onSession: 'insufficient_funds',
    offSession: 'card_declined',
  },
  '4000002760003184': {
    brand: 'visa',
    funding: 'credit',
    country: 'DE',
    onSession: 'requires_authentication',
    offSession: 'authentication_required',
  },
  '4000002500003155': {
    brand: 'visa',
    funding: 'credit',
    country: 'IE',
    onSession: 'requires_authentication',
    offSession: 'succeeds',
  },
  '4000000000000341': {
    brand: 'visa',
    funding: 'credit',
    country: 'US',
    onSession: 'succeeds',
    offSession: 'card_declined',
  },
};

export function normaliseCardNumber(input: string): string {
  return input.replace(/[\s-]/g, '');
}

export function findTestCard(input: string): TestCard | undefined {
  const number = normaliseCardNumber(input);
  return Object.hasOwn(CARDS, number) ? CARDS[number] : undefined;
}

/** Luhn check, so a mistyped number reads "Your card number is invalid." as on Stripe's page. */
export function luhnValid(input: string): boolean {
  const digits = normaliseCardNumber(input);
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/**
 * Stripe's test PaymentMethods and tokens (docs.stripe.com/testing: "PaymentMethods" and
 * "Tokens"), by the card each stands for. Naming one where a PaymentMethod is expected
 * makes a new card PaymentMethod from that card, as Stripe does.
 */
export const TEST_PAYMENT_METHOD_CARDS: Readonly<Record<string, string>> = {
  pm_card_visa: '4242424242424242',
  pm_card_visa_debit: '4000056655665556',
  pm_card_mastercard: '5555555555554444',
  pm_card_amex: '378282246310005',
  pm_card_chargeDeclined: '4000000000000002',
  pm_card_chargeDeclinedInsufficientFunds: '4000000000009995',
  pm_card_authenticationRequired: '4000002760003184',
  pm_card_chargeCustomerFail: '4000000000000341',
};

export const TEST_TOKEN_CARDS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(TEST_PAYMENT_METHOD_CARDS).map(([id, number]) => [id.replace(/^pm_card_/, 'tok_'), number]),
);
