// Vitest's global setup: brings the commands' bundle (dist/cli, scripts/bundle.mjs) up to date once, before any
// test file starts, so the tests run what ships and no test pays for (or races over) a rebuild.
import { ensureBundle } from './bundle.mjs';

export default async function setup() {
  await ensureBundle();
}
