/**
 * Account chores outside the app: the demo accounts `npm run dev` makes on the
 * embedded database, and granting the admin role (`npm run admin:grant`).
 * Passwords are hashed with better-auth's own function, so these accounts sign
 * in like any other.
 */
import { randomUUID } from 'node:crypto';
import { generateRandomString, hashPassword } from 'better-auth/crypto';
import pg from 'pg';

export const DEMO_ACCOUNTS = [
  { email: 'customer@example.com', name: 'Demo Customer', password: 'demo-customer-pass', role: 'customer' },
  { email: 'admin@example.com', name: 'Demo Admin', password: 'demo-admin-pass', role: 'admin' },
] as const;

/** Creates the demo accounts that do not exist yet. Development only. */
export async function ensureDemoAccounts(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const account of DEMO_ACCOUNTS) {
      const exists = await client.query('SELECT 1 FROM "User" WHERE email = $1', [account.email]);
      if (exists.rowCount) continue;
      const userId = generateRandomString(32);
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO "User" (id, name, email, "emailVerified", role, "createdAt", "updatedAt")
         VALUES ($1, $2, $3, true, $4, now(), now())`,
        [userId, account.name, account.email, account.role],
      );
      await client.query(
        `INSERT INTO "Account" (id, "accountId", "providerId", "userId", password, "createdAt", "updatedAt")
         VALUES ($1, $2, 'credential', $2, $3, now(), now())`,
        [randomUUID(), userId, await hashPassword(account.password)],
      );
      await client.query('COMMIT');
    }
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

/** Makes an existing account an admin. */
export async function grantAdmin(databaseUrl: string, email: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query(
      `UPDATE "User" SET role = 'admin', "updatedAt" = now() WHERE lower(email) = lower($1)`,
      [email],
    );
    return result.rowCount === 1;
  } finally {
    await client.end();
  }
}
