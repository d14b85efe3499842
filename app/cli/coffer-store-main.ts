// Entry point of the bundled `coffer-store` (scripts/build-store.mjs); bin/coffer-store.mjs runs the sources.
import { main } from './coffer-store';

process.exitCode = await main(process.argv.slice(2));
