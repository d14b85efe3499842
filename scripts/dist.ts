// `npm run dist`: the installers for this platform (electron-builder.yml: AppImage and deb on Linux, dmg on macOS,
// NSIS on Windows), written to release/. Builds the window (vite), stages the app (stage-app.ts: the shipped
// bundles, no sources, tests or source maps) and runs electron-builder, which downloads Electron for this platform
// (once; it keeps it in its cache) and the tools each format needs. `npm run dist -- --dir` stops at the unpacked
// app (release/<platform>-unpacked), to try it without installing.
//
// Where a download fails (no network, as on CI machines without access to GitHub) it says so in one sentence and
// exits 1; any other failure is said by its own message (vite's, electron-builder's), without a stack.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildRenderer } from '../app/host/renderer-build';
import { PROJECT_ROOT } from '../app/services/store-launch';
import { stageApp } from './stage-app';

const NETWORK_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENETUNREACH', 'EHOSTUNREACH', 'ERR_SOCKET_CONNECTION_TIMEOUT']);

interface DownloadError extends Error {
  code?: string;
  options?: { url?: URL | string };
  response?: { statusCode?: number; url?: string };
}

/** The Electron version electron-builder packs: the installed `electron` package's. */
export function electronVersion(root = PROJECT_ROOT): string {
  return (JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * What a failed run says: one sentence naming what could not be downloaded and why, or electron-builder's own
 * message (on one line, without its stack).
 */
export function failureSentence(err: unknown, version: string, target = `${process.platform}-${process.arch}`): string {
  const e = err as DownloadError;
  const url = String(e?.response?.url ?? e?.options?.url ?? '');
  const message = String(e?.message ?? err).trim().replace(/\s*\n\s*/g, ' ');
  const network = (e?.code !== undefined && NETWORK_CODES.has(e.code)) || e?.name === 'RequestError' || e?.name === 'HTTPError';
  if (!network) return `npm run dist: ${message}`;
  const why = e.response?.statusCode ? `HTTP ${e.response.statusCode}` : message;
  const electron = url === '' || /electron-v\d|SHASUMS256/.test(url);
  const what = electron ? `Electron ${version} for ${target}` : `${url}, which electron-builder needs,`;
  const mirror = electron ? "ELECTRON_MIRROR to a mirror of Electron's releases" : 'ELECTRON_BUILDER_BINARIES_MIRROR to a mirror of electron-builder-binaries';
  return `npm run dist: ${what} could not be downloaded (${why}), so the build stopped; run it where GitHub can be reached, or set ${mirror}.`;
}

/**
 * Linux targets when the .deb cannot be made: a .deb must name the project's homepage and a maintainer with an
 * email (package.json `homepage` and `author`), which only the one who publishes Coffer can give. Without them the
 * AppImage alone is built and `note` says why; undefined when electron-builder.yml's targets can all be built.
 */
export function linuxTargetsFor(pkg: { homepage?: unknown; author?: unknown }, platform = process.platform): { targets: string[]; note: string } | undefined {
  if (platform !== 'linux') return undefined;
  const author = pkg.author;
  const email = typeof author === 'string' ? /<[^>]+@[^>]+>/.test(author) : typeof (author as { email?: unknown } | undefined)?.email === 'string';
  const missing = [typeof pkg.homepage === 'string' && pkg.homepage ? undefined : '`homepage`', email ? undefined : '`author` with an email ("Name <email>")'].filter(Boolean);
  if (missing.length === 0) return undefined;
  return { targets: ['AppImage'], note: `npm run dist: no .deb this time: a .deb must name the project's homepage and maintainer, so set ${missing.join(' and ')} in package.json; building the AppImage only.` };
}

export async function main(argv: string[]): Promise<number> {
  const unknown = argv.filter((a) => a !== '--dir');
  if (unknown.length > 0) {
    process.stderr.write(`npm run dist: unknown argument ${unknown[0]}; the only one is --dir (the unpacked app, no installer).\n`);
    return 2;
  }
  try {
    process.stdout.write('npm run dist: building the window…\n');
    await buildRenderer(PROJECT_ROOT);
    process.stdout.write('npm run dist: building the app…\n');
    await stageApp();
    const { build } = await import('electron-builder');
    const dir = argv.includes('--dir');
    const linux = dir ? undefined : linuxTargetsFor(JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as Record<string, unknown>);
    if (linux) process.stdout.write(`${linux.note}\n`);
    await build({ projectDir: PROJECT_ROOT, dir, publish: 'never', ...(linux ? { linux: linux.targets } : {}) });
  } catch (err) {
    process.stderr.write(failureSentence(err, electronVersion()) + '\n');
    return 1;
  }
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await main(process.argv.slice(2));
