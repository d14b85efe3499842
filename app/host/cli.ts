// `npm start -- --browser` (and `npm start` where Electron cannot run): Coffer in the default browser. Opens the core
// (COFFER_HOME, the embedded store as a child process, the job queue), serves the window on 127.0.0.1 at a random
// port, prints `Coffer is running at http://127.0.0.1:PORT/#token=…` and opens the browser there (unless
// --no-open). Ctrl-C (or SIGTERM, or the terminal closing) pauses the transfers (they are listed on the next start),
// stops the store and exits; a second Ctrl-C exits at once.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CofferCore } from '../services/core';
import { PROJECT_ROOT } from '../services/store-launch';
import { startHost, type RunningHost } from './host-server';
import { openBrowser } from './open-browser';
import { buildRenderer, rendererBuildNeeded } from './renderer-build';

export const HOST_USAGE = `Usage: npm start -- [--browser] [--no-open] [--port N] [--host ADDRESS]

  --browser        use the browser even where the desktop app could start
  --no-open        print the address without opening a browser
  --port N         listen on port N (default: a free port)
  --host ADDRESS   listen on ADDRESS instead of 127.0.0.1 (reachable from other machines: only on a trusted network)
`;

export interface HostIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  /** Resolves when the process is asked to stop (Ctrl-C, SIGTERM); the default listens for the signals. */
  stopSignal?: Promise<string>;
  /** Called once the host listens (tests read the address from here rather than from the output). */
  onReady?: (host: RunningHost, core: CofferCore) => void;
  open?: (url: string) => Promise<string | undefined>;
  root?: string;
}

function defaultStopSignal(err: (line: string) => void): Promise<string> {
  return new Promise((resolve) => {
    let asked = false;
    const stop = (signal: string) => {
      if (asked) {
        err('Stopping at once.');
        process.exit(130);
      }
      asked = true;
      resolve(signal);
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    // The terminal went away (its window closed, or the process that started Coffer died with the pipe): Coffer
    // stops as for Ctrl-C, and a line it can no longer print must not end it before the store is stopped.
    process.on('SIGHUP', () => stop('SIGHUP'));
    for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  });
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** Runs browser mode until stopped; returns the process exit code. */
export async function runBrowserMode(argv: string[], io: HostIo): Promise<number> {
  let flags;
  try {
    flags = parseArgs({
      args: argv,
      options: { browser: { type: 'boolean' }, 'no-open': { type: 'boolean' }, port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    const unknown = /Unknown option '([^']+)'/.exec((e as Error).message)?.[1];
    io.err(`coffer: ${unknown ? `unknown option ${unknown}` : (e as Error).message}\n\n${HOST_USAGE}`);
    return 2;
  }
  if (flags.help) {
    io.out(HOST_USAGE);
    return 0;
  }
  let port = 0;
  if (flags.port !== undefined) {
    if (!/^\d+$/.test(flags.port) || Number(flags.port) > 65535) {
      io.err(`coffer: --port must be a number from 0 to 65535 (got "${flags.port}").`);
      return 2;
    }
    port = Number(flags.port);
  }
  const host = flags.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) io.err(`coffer: listening on ${host}: other machines that can reach it may connect (with the token in the address). Use it only on a network you trust.`);

  const root = io.root ?? PROJECT_ROOT;
  const why = rendererBuildNeeded(root);
  if (why) {
    io.err(`coffer: building the window (${why})…`);
    try {
      await buildRenderer(root);
    } catch (e) {
      io.err(`coffer: the window could not be built: ${(e as Error).message}`);
      return 1;
    }
  }

  const stopSignal = io.stopSignal ?? defaultStopSignal(io.err);
  let core: CofferCore;
  try {
    core = await CofferCore.open({ env: io.env, transport: 'browser', log: (l) => io.err(`coffer: ${l}`) });
  } catch (e) {
    io.err(`coffer: ${(e as Error).message}`);
    return 1;
  }
  let running: RunningHost;
  try {
    running = await startHost(core, { rendererDir: join(root, 'dist', 'renderer'), host, port, log: (l) => io.err(`coffer: ${l}`) });
  } catch (e) {
    await core.close();
    const err = e as NodeJS.ErrnoException;
    io.err(err.code === 'EADDRINUSE' ? `coffer: port ${port} is in use by another program; start with another --port, or without one to take a free port.` : `coffer: could not listen on ${host}:${port} (${err.code ?? err.message}).`);
    return 1;
  }
  io.out(`Coffer is running at ${running.openUrl}`);
  io.out('Press Ctrl-C to stop it.');
  io.onReady?.(running, core);
  if (!flags['no-open']) {
    const failed = await (io.open ?? openBrowser)(running.openUrl);
    if (failed) io.err(`coffer: could not open a browser (${failed}); open the address above yourself.`);
  }

  await stopSignal;
  io.err('coffer: stopping (unfinished transfers are listed when Coffer starts again)…');
  // Transfers stop first (and are saved as interrupted), then the page's connections, then the store.
  await core.jobs.shutdown();
  await running.close();
  await core.close();
  io.err('coffer: stopped.');
  return 0;
}
