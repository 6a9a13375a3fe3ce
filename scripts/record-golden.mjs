// Records test-support/golden/ (see its README): `npm run record:golden`, which builds dist/ first.
// test-support/record-golden.ts is TypeScript that imports the test helpers; vite (a dev dependency,
// the loader vitest uses) runs it as the tests run those helpers.
import { dirname } from 'node:path';
import { createServer } from 'vite';

const root = dirname(import.meta.dirname);
const vite = await createServer({
  root,
  appType: 'custom',
  logLevel: 'error',
  server: { middlewareMode: true, hmr: false, ws: false },
  optimizeDeps: { noDiscovery: true, include: [] },
});
try {
  const { recordGolden } = await vite.ssrLoadModule('/test-support/record-golden.ts');
  await recordGolden();
} finally {
  await vite.close();
}
