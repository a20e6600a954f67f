// The schema engine's `cli` subcommands (can-connect-to-database, create-database,
// drop-database) and the `createDatabase` RPC. The Wasm engine leaves these
// unimplemented ("Not implemented" panics), so they are done here with pg directly.
import { parseConnectionUrl, quoteIdentifier, withDatabase } from './connection-url.ts';
import { UserFacingError } from './engine-errors.ts';
import { onServer } from './pg-adapter-factory.ts';

export async function canConnectToDatabase(url: string): Promise<void> {
  await onServer(url, (client) => client.query('SELECT 1'));
}

/** Creates the database named in `url`; returns its name. */
export async function createDatabase(url: string): Promise<string> {
  const { database, location } = parseConnectionUrl(url);
  await onMaintenanceDatabase(url, async (client) => {
    try {
      await client.query(`CREATE DATABASE ${quoteIdentifier(database)}`);
    } catch (error) {
      if ((error as { code?: string }).code === '42P04') {
        // duplicate_database
        const [host, port] = location.split(':');
        throw new UserFacingError(
          'P1009',
          `Database \`${database}\` already exists on the database server at \`${location}\``,
          { database_name: database, database_host: host, database_port: port },
        );
      }
      throw error;
    }
  });
  return database;
}

export async function dropDatabase(url: string): Promise<void> {
  const { database } = parseConnectionUrl(url);
  await onMaintenanceDatabase(url, (client) => client.query(`DROP DATABASE ${quoteIdentifier(database)}`));
}

/** The database named in the URL may not exist (yet); connect to `postgres`, or `template1` if that is gone too. */
function onMaintenanceDatabase<T>(url: string, work: Parameters<typeof onServer<T>>[1]): Promise<T> {
  return onServer(withDatabase(url, 'postgres'), work).catch((error: unknown) => {
    if (error instanceof UserFacingError && error.errorCode === 'P1003') {
      return onServer(withDatabase(url, 'template1'), work);
    }
    throw error;
  });
}
