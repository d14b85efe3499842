// Opens the default browser on an address (xdg-open, open, start), detached so it outlives nothing of ours and never
// blocks. Not being able to is not an error: the address is printed anyway.
import { spawn } from 'node:child_process';

export function browserCommand(platform: NodeJS.Platform, url: string): { command: string; args: string[] } {
  if (platform === 'darwin') return { command: 'open', args: [url] };
  // `start` is a shell built-in; its first quoted argument is the window title.
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""', url.replace(/&/g, '^&')] };
  return { command: 'xdg-open', args: [url] };
}

/** Resolves with undefined when the opener started, or a one-line reason when it could not. */
export function openBrowser(url: string, platform: NodeJS.Platform = process.platform): Promise<string | undefined> {
  const { command, args } = browserCommand(platform, url);
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(command, args, { stdio: 'ignore', detached: true, windowsHide: true });
    } catch (err) {
      resolve(`${command} could not be started (${(err as Error).message})`);
      return;
    }
    child.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ENOENT' ? `${command} is not installed` : `${command} failed (${err.code ?? err.message})`));
    child.once('spawn', () => {
      child.unref();
      resolve(undefined);
    });
  });
}
