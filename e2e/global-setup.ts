// Builds the window once before the specs (each host start would otherwise check, and maybe build, on its own).
import { PROJECT_ROOT } from '../app/services/store-launch';
import { buildRenderer, rendererBuildNeeded } from '../app/host/renderer-build';

export default async function globalSetup(): Promise<void> {
  const why = rendererBuildNeeded(PROJECT_ROOT);
  if (why) {
    process.stderr.write(`e2e: building the window (${why})…\n`);
    await buildRenderer(PROJECT_ROOT);
  }
}
