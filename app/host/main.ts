// Browser mode as a process of its own: `node --import tsx app/host/main.ts [--no-open] [--port N]` (the e2e
// fixture and `npm start -- --browser` through app/main/launch.ts run the same function).
import { runBrowserMode } from './cli';

process.exitCode = await runBrowserMode(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
});
