// Item 4 of the hardening issue, bad input: the shop's server actions (cart, checkout), as form posts and as React's fetch calls, attacked over HTTP on a
// production build (next start) with at least 1,000 generated malformed inputs each, and held to: never a 5xx,
// never a write, always a clear error. The actions and the routes are two files, each on a stack of its own, so
// npm test runs them side by side.
// Alone: `node --conditions=react-server --import tsx --test test/fuzz/shop-actions.test.ts`; FUZZ_SCALE=0.1 for a quick
// pass, FUZZ_SEED=<seed> to replay a failure fast-check reported, --test-name-pattern to pick suites.
import { after, before } from 'node:test';
import { setUp, tearDown } from './support/fixtures.ts';

before(setUp);
after(tearDown);

// Imported after the hooks are registered, so the suites run on the fixtures.
await import('./shop-actions.suite.ts');
