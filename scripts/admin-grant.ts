/**
 * `npm run admin:grant -- owner@example.com`: gives an existing account the
 * admin role. The account signs up first (signing up never grants it). Uses DATABASE_URL, else the embedded dev database.
 */
import { z } from 'zod';
import { grantAdmin } from './accounts.ts';
import { EMBEDDED_DEV_DATABASE_URL } from '../stack/development-database.ts';
import { loadDotEnv } from '../stack/development.ts';

loadDotEnv();
const email = z.email().safeParse(process.argv[2]);
if (!email.success) {
  console.error('Usage: npm run admin:grant -- <email of an existing account>');
  process.exit(2);
}
const databaseUrl = process.env.DATABASE_URL ?? EMBEDDED_DEV_DATABASE_URL;
if (await grantAdmin(databaseUrl, email.data)) {
  console.log(`${email.data} is now an admin.`);
} else {
  console.error(`No account with the email ${email.data}: sign up first, then run this again.`);
  process.exit(1);
}
