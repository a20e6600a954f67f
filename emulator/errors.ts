// Stripe's error bodies and the HTTP statuses that select the SDK's error classes.
import type Stripe from 'stripe';

export type ErrorType =
  | 'api_error'
  | 'card_error'
  | 'idempotency_error'
  | 'invalid_request_error'
  | 'authentication_error'
  | 'rate_limit_error';

export interface ErrorBody {
  type: ErrorType;
  message: string;
  code?: string;
  param?: string;
  decline_code?: string;
  doc_url?: string;
  request_log_url?: string;
  payment_intent?: Stripe.PaymentIntent;
  setup_intent?: Stripe.SetupIntent;
  payment_method?: Stripe.PaymentMethod;
  charge?: string;
  advice_code?: string;
}

/** Thrown by handlers; the server turns it into `{ error }` with this status. */
export class ApiError extends Error {
  readonly status: number;
  readonly body: ErrorBody;
  readonly headers: Record<string, string>;
  constructor(status: number, body: ErrorBody, headers: Record<string, string> = {}) {
    super(body.message);
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

function docUrl(code: string | undefined): string | undefined {
  return code ? `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}` : undefined;
}

export function invalidRequest(
  message: string,
  options: { param?: string; code?: string; status?: number } = {},
): ApiError {
  return new ApiError(options.status ?? 400, {
    type: 'invalid_request_error',
    message,
    code: options.code,
    param: options.param,
    doc_url: docUrl(options.code),
  });
}

export function parameterMissing(param: string, message?: string): ApiError {
  return invalidRequest(message ?? `Missing required param: ${param}.`, { param, code: 'parameter_missing' });
}

export function parameterUnknown(param: string): ApiError {
  return invalidRequest(`Received unknown parameter: ${param}`, { param, code: 'parameter_unknown' });
}

export function parameterInvalid(param: string, message: string, code = 'parameter_invalid_empty'): ApiError {
  return invalidRequest(message, { param, code });
}

export function resourceMissing(objectName: string, id: string, param = 'id'): ApiError {
  return invalidRequest(`No such ${objectName}: '${id}'`, { param, code: 'resource_missing', status: 404 });
}

export function idempotencyError(message: string): ApiError {
  return new ApiError(400, { type: 'idempotency_error', message });
}

export function authenticationError(message: string): ApiError {
  return new ApiError(401, { type: 'authentication_error', message });
}

export function cardError(body: Omit<ErrorBody, 'type' | 'doc_url'>): ApiError {
  return new ApiError(402, { ...body, type: 'card_error', doc_url: docUrl(body.code) });
}

export function unrecognizedUrl(method: string, path: string): ApiError {
  return invalidRequest(
    `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
    { status: 404 },
  );
}

/** Drops undefined fields so bodies look like Stripe's (absent rather than undefined). */
export function errorJson(error: ApiError, requestId: string): { error: ErrorBody } {
  const body: ErrorBody = {
    ...error.body,
    request_log_url: `https://dashboard.stripe.com/test/logs/${requestId}`,
  };
  for (const key of Object.keys(body) as Array<keyof ErrorBody>) {
    if (body[key] === undefined) delete body[key];
  }
  return { error: body };
}
