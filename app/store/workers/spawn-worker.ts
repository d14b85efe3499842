// Starts one of the store's worker threads from the module that owns it. Run from the TypeScript sources (tests,
// scripts run through tsx) the worker's .ts file is loaded through tsx; run from the bundle (dist/cli: the bins,
// the packaged app) the worker is the .mjs that scripts/bundle.mjs writes beside the bundle's chunks.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';

/** `here` is the caller's import.meta.url; `name` the worker module's file name without extension. */
export function spawnStoreWorker(here: string, name: string, resourceLimits: ResourceLimits): Worker {
  if (here.endsWith('.ts')) {
    const tsxPkg = createRequire(here).resolve('tsx/package.json');
    const tsxApi = pathToFileURL(join(dirname(tsxPkg), 'dist', 'esm', 'api', 'index.mjs')).href;
    const target = new URL(`./${name}.ts`, here).href;
    const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); });`;
    return new Worker(boot, { eval: true, resourceLimits });
  }
  return new Worker(new URL(`./${name}.mjs`, here), { resourceLimits });
}
