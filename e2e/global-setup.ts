// Brings the window and the commands' bundle (dist/cli, which `npm start` runs and each test's host is started
// from) up to date once, before the specs: otherwise each host start would check, and maybe build, on its own.
import { PROJECT_ROOT } from '../app/services/store-launch';
import { buildRenderer, rendererBuildNeeded } from '../app/host/renderer-build';
// @ts-expect-error -- a plain .mjs build script without type declarations
import { ensureBundle } from '../scripts/bundle.mjs';

export default async function globalSetup(): Promise<void> {
  const why = rendererBuildNeeded(PROJECT_ROOT);
  if (why) {
    process.stderr.write(`e2e: building the window (${why})…\n`);
    await buildRenderer(PROJECT_ROOT);
  }
  if (await (ensureBundle as () => Promise<boolean>)()) process.stderr.write('e2e: rebuilt the commands (dist/cli)\n');
}
