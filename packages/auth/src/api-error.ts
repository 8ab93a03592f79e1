import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The error codes of the HTTP contract (docs/API.md), with their status. */
const statusOf = {
  invalid_input: 400,
  invalid_json: 400,
  invalid_code: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden_origin: 403,
  reauthentication_required: 403,
  second_factor_required: 403,
  not_found: 404,
  username_taken: 409,
  already_enabled: 409,
  identity_taken: 409,
  last_sign_in_method: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_attempts: 429,
  internal_error: 500,
  service_unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof statusOf;

const defaultMessage: Record<ErrorCode, string> = {
  invalid_input: 'Some fields are not valid.',
  invalid_json: 'The request body is not valid JSON.',
  invalid_code: 'That code or link is wrong, used or expired.',
  unauthenticated: 'You are not signed in.',
  invalid_credentials: 'The username or password is incorrect.',
  forbidden_origin: 'The request did not come from this site.',
  reauthentication_required:
    'Confirm it is you first: give your password again, or sign in through your provider again.',
  not_found: 'Not found.',
  second_factor_required: 'Finish signing in: give your second factor first.',
  already_enabled: 'It is already turned on.',
  username_taken: 'That username is taken.',
  identity_taken: 'That identity is already linked to another account.',
  last_sign_in_method:
    'This is your only way to sign in: set a password or link another provider first.',
  payload_too_large: 'The request body is too large.',
  unsupported_media_type: 'Send the body as application/json.',
  too_many_attempts: 'Too many attempts. Try again later.',
  internal_error: 'Something went wrong on our side.',
  service_unavailable: 'The service is unavailable. Try again shortly.',
};

/**
 * An expected failure, thrown by a route and answered by `handleError` in the
 * contract's shape: `{"error": {"code", "message", "fields"?}}`.
 *
 * @example
 * throw new ApiError('invalid_input', { fields: { username: 'Use 3 to 31 characters.' } });
 */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: ContentfulStatusCode;
  readonly fields: Record<string, string> | undefined;
  readonly headers: Record<string, string> | undefined;
  /** Where a page outside `/api` sends the reader on; the home page when unset. */
  readonly back: { href: string; text: string } | undefined;
  readonly methods: string[] | undefined;

  constructor(
    code: ErrorCode,
    options: {
      message?: string;
      fields?: Record<string, string>;
      headers?: Record<string, string>;
      back?: { href: string; text: string };
      /** `second_factor_required`: the second factors the user may give. */
      methods?: string[];
    } = {},
  ) {
    super(options.message ?? defaultMessage[code]);
    this.code = code;
    this.status = statusOf[code];
    this.fields = options.fields;
    this.headers = options.headers;
    this.back = options.back;
    this.methods = options.methods;
  }

  /** The JSON body the contract prescribes. */
  toBody(): {
    error: {
      code: ErrorCode;
      message: string;
      fields?: Record<string, string>;
      methods?: string[];
    };
  } {
    const fields = this.fields ? { fields: this.fields } : {};
    const methods = this.methods ? { methods: this.methods } : {};
    return { error: { code: this.code, message: this.message, ...fields, ...methods } };
  }
}
