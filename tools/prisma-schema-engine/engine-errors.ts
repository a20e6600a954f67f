// Errors in the shapes the Prisma CLI reads from its schema engine: the JSON-RPC error
// object (`error.data.{is_panic,message,error_code}`) and the JSON log line on stderr
// that the `cli` subcommands end with.
import { parseConnectionUrl } from './connection-url.ts';

/** An error with one of Prisma's documented codes (P1001, P3018, ...). */
export class UserFacingError extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
    readonly meta: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'UserFacingError';
  }
}

/** Raised when the Wasm engine panicked; it is unusable afterwards. */
export class EnginePanic extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnginePanic';
  }
}

type PgError = Error & { code?: string };

/** Translates a failure to connect to `url` into the error the native engine reports. */
export function connectionError(error: unknown, url: string): Error {
  const pgError = error as PgError;
  const code = pgError?.code;
  let target: ReturnType<typeof parseConnectionUrl>;
  try {
    target = parseConnectionUrl(url);
  } catch (invalid) {
    return new UserFacingError(
      'P1013',
      `The provided database string is invalid. ${(invalid as Error).message}`,
    );
  }
  const { location, database, user } = target;
  const [host = '', port = ''] = splitLocation(location);
  switch (code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EAI_AGAIN':
    case 'ETIMEDOUT':
      return new UserFacingError(
        'P1001',
        `Can't reach database server at \`${location}\`\n\nPlease make sure your database server is running at \`${location}\`.`,
        { database_host: host, database_port: port },
      );
    case '3D000': // invalid_catalog_name
      return new UserFacingError(
        'P1003',
        `Database \`${database}\` does not exist on the database server at \`${location}\`.`,
        { database_name: database, database_host: host, database_port: port },
      );
    case '28P01': // invalid_password
    case '28000': // invalid_authorization_specification
      return new UserFacingError(
        'P1000',
        `Authentication failed against database server, the provided database credentials for \`${user}\` are not valid.\n\nPlease make sure to provide valid database credentials for the database server at the configured address.`,
        { database_user: user, database_host: host, database_port: port },
      );
    case '42501': // insufficient_privilege
      return new UserFacingError(
        'P1010',
        `User \`${user}\` was denied access on the database \`${database}\``,
        {
          database_user: user,
          database_name: database,
        },
      );
    default:
      return pgError instanceof Error ? pgError : new Error(String(error));
  }
}

function splitLocation(location: string): [string, string] {
  const at = location.lastIndexOf(':');
  return [location.slice(0, at), location.slice(at + 1)];
}

/**
 * Error messages from the Wasm engine end with a Rust span trace
 * ("\n   0: schema_engine_wasm::...\n             at ...rs:242"); the native engine's do not.
 */
export function withoutSpanTrace(message: string): string {
  return message.replace(/\n {3}0: [a-z_]+::[\s\S]*$/, '');
}

export type JsonRpcErrorObject = {
  code: number;
  message: string;
  data: { is_panic: boolean; message: string; meta?: Record<string, unknown>; error_code?: string };
};

/** The JSON-RPC error object the native engine sends for a failed request. */
export function toJsonRpcError(error: unknown): JsonRpcErrorObject {
  const message = withoutSpanTrace(error instanceof Error ? error.message : String(error));
  const data: JsonRpcErrorObject['data'] = { is_panic: error instanceof EnginePanic, message };
  if (error instanceof UserFacingError) {
    data.error_code = error.errorCode;
    data.meta = error.meta;
  } else {
    // Errors thrown by the Wasm engine carry Prisma's error code as `code` (e.g. P3018).
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && /^P\d{4}$/.test(code)) data.error_code = code;
    const meta = (error as { meta?: unknown } | null)?.meta;
    if (meta && typeof meta === 'object') data.meta = meta as Record<string, unknown>;
  }
  return { code: 4466, message: 'An error happened. Check the data field for details.', data };
}

/**
 * The stderr line that ends a failed `cli` subcommand; the CLI looks for level ERROR,
 * target schema_engine::logger and `fields.error_code`/`fields.message`.
 */
export function errorLogLine(error: unknown): string {
  const fields: Record<string, unknown> = {
    message: withoutSpanTrace(error instanceof Error ? error.message : String(error)),
  };
  if (error instanceof UserFacingError) fields.error_code = error.errorCode;
  return JSON.stringify({
    timestamp: new Date().toISOString(),
    level: 'ERROR',
    fields,
    target: 'schema_engine::logger',
  });
}

export function infoLogLine(message: string): string {
  return JSON.stringify({
    timestamp: new Date().toISOString(),
    level: 'INFO',
    fields: { message },
    target: 'schema_engine::logger',
  });
}
