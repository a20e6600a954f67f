// One production build of the app for everything that runs real `next start`
// processes (node tests, browser tests, benchmarks), shared by all of a run and
// by later runs while the sources are unchanged. Each build lives in a directory named by a hash
// of the sources it was made from, so a test already serving one build is
// never pulled from under by another file rebuilding after an edit.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bin, ROOT } from './processes.ts';

/**
 * The build's whole configuration: nothing of the caller's environment, so
 * every caller gets the same build. Each secret lib/platform/env.ts reads has
 * a distinctive fake value, so test/security/client-bundles.test.ts can tell
 * if one reached a file served to browsers. The database is none (nothing
 * listens on port 9): `next build` must not read it, since one build serves
 * every fresh database a test makes and an image build has none; a build that
 * queried would fail here rather than bake one database's rows into its output.
 * Public values (shop name, addresses) keep their defaults: a prerendered page
 * may show them.
 */
export const BUILD_SECRETS: Readonly<Record<string, string>> = {
  DATABASE_URL: 'postgresql://build_only_user:build-only-db-password-5e1f@127.0.0.1:9/build_only_db',
  STRIPE_SECRET_KEY: 'sk_test_buildonly5e1f0c9a7d2b',
  STRIPE_WEBHOOK_SECRET: 'whsec_buildonly5e1f0c9a7d2b',
  STRIPE_API_BASE: 'https://build-only-stripe-api.example',
  COOKIE_SECRET: 'build-only-cookie-secret-5e1f0c9a7d2b8e43',
  BETTER_AUTH_SECRET: 'build-only-better-auth-secret-5e1f0c9a7d2b8e43',
  EVIDENCE_SECRET: 'build-only-evidence-secret-5e1f0c9a7d2b8e43aa',
  REVALIDATE_SECRET: 'build-only-revalidate-secret-5e1f0c9a',
  SMTP_URL: 'smtp://build_only_user:build-only-smtp-password-5e1f@127.0.0.1:9',
  CRON_SECRET: 'build-only-cron-secret-5e1f0c9a7d2b',
  ADMIN_EMAILS: 'build-only-admin-5e1f0c9a@example.com',
  TRUSTED_PROXIES: '2001:db8:5e1f:c9a::/64',
};

const BUILDS = path.join(ROOT, '.data', 'next-test-builds');
const MARKER = 'fingerprint.txt';
const BUILD_TIMEOUT_MS = 10 * 60_000;

/** Directories and root files whose content goes into the server build. */
const BUILD_INPUTS = ['app', 'lib', 'public', 'prisma/schema.prisma', 'package-lock.json'];

/** Hash of everything `next build` reads from this working tree (tracked or new files, edits included). */
export function sourceFingerprint(): string {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
  })
    .toString('utf8')
    .split('\0')
    .filter((file) => file !== '');
  const inputs = listed
    .filter(
      (file) =>
        BUILD_INPUTS.some((input) => file === input || file.startsWith(`${input}/`)) ||
        /^[^/]+\.ts$/.test(file),
    )
    .filter((file) => existsSync(path.join(ROOT, file)))
    .sort();
  const hash = createHash('sha256');
  hash.update(execFileSync(process.execPath, [bin('next'), '--version'], { cwd: ROOT }));
  for (const file of inputs) {
    hash.update(`${file}\0`);
    hash.update(
      createHash('sha256')
        .update(readFileSync(path.join(ROOT, file)))
        .digest(),
    );
  }
  return hash.digest('hex');
}

/**
 * Builds (or finds) the production build for the current sources and returns
 * its dist directory relative to the project, for NEXT_DIST_DIR.
 */
export async function ensureProductionBuild(log: (line: string) => void): Promise<string> {
  const fingerprint = sourceFingerprint();
  const distDir = path.relative(ROOT, path.join(BUILDS, fingerprint.slice(0, 16)));
  const marker = path.join(ROOT, distDir, MARKER);
  const built = async () => existsSync(marker) && (await readFile(marker, 'utf8')) === fingerprint;
  if (await built()) return distDir;

  await mkdir(BUILDS, { recursive: true });
  await withLock(path.join(BUILDS, `${fingerprint.slice(0, 16)}.lock`), async () => {
    if (await built()) return; // another test file built it while this one waited
    await removeStaleBuilds(distDir);
    await rm(path.join(ROOT, distDir), { recursive: true, force: true });
    const started = Date.now();
    const buildEnv: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...BUILD_SECRETS,
      NEXT_DIST_DIR: distDir,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
    };
    // Compile, then generate: the two halves of `next build` without its type check,
    // which would fail on anyone's unfinished file (tsc has its own stage in npm test)
    // and would rewrite the shared tsconfig.json and next-env.d.ts to point at this directory.
    for (const mode of ['compile', 'generate']) {
      const output = await runQuietly(bin('next'), ['build', '--experimental-build-mode', mode], buildEnv);
      if (output.code !== 0)
        throw new Error(`next build (${mode}) exited with ${output.code}:\n${output.text.slice(-4000)}`);
    }
    await writeFile(marker, fingerprint);
    log(`built ${distDir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
  return distDir;
}

function runQuietly(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; text: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    const keep = (chunk: Buffer) => {
      text = (text + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), BUILD_TIMEOUT_MS);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, text });
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock file holding the builder's pid; one left by a dead process is taken over. */
async function withLock(lockFile: string, body: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(await readFile(lockFile, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(holder) && holder > 0 && !isAlive(holder)) {
        await unlink(lockFile).catch(() => undefined);
        continue;
      }
      if (Date.now() > deadline)
        throw new Error(`Timed out waiting for the build lock ${lockFile} (pid ${holder})`);
      // Poll for the holder to finish: the lock file disappearing is the condition.
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    await body();
  } finally {
    await unlink(lockFile).catch(() => undefined);
  }
}

/** Builds of older sources, untouched for an hour (no test still serves them), are deleted. */
async function removeStaleBuilds(keep: string): Promise<void> {
  const entries = await readdir(BUILDS, { withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(BUILDS, entry.name);
    if (path.relative(ROOT, dir) === keep) continue;
    const { mtimeMs } = await stat(dir);
    if (Date.now() - mtimeMs > 3_600_000) await rm(dir, { recursive: true, force: true });
  }
}
