// The embedded store's child process inside the desktop app: Electron's utilityProcess (a Node environment of its
// own, no UI), since the app's process.execPath is the Electron binary and the packaged app runs with RunAsNode off.
import type { ChildHandle, ProcessLauncher } from '../services/store-launch';
import type { UtilityProcessModuleLike } from './electron-api';

export function utilityLauncher(utilityProcess: UtilityProcessModuleLike): ProcessLauncher {
  return (spec): ChildHandle => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('ELECTRON_')) env[k] = v;
    delete env.COFFER_SECRET_ID;
    delete env.COFFER_SECRET_KEY;
    const child = utilityProcess.fork(spec.script, spec.args, { execArgv: spec.nodeArgs, env: { ...env, ...spec.env }, stdio: 'pipe', serviceName: 'Coffer store' });
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code) => resolve({ code, signal: null })));
    return {
      get pid() {
        return child.pid;
      },
      stdout: child.stdout as ChildHandle['stdout'],
      stderr: child.stderr as ChildHandle['stderr'],
      // utilityProcess.kill() sends SIGTERM on POSIX; a SIGKILL after the drain timeout is the same call.
      kill: () => child.kill(),
      exited,
    };
  };
}
