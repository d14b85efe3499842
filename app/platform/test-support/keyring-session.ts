// A private Secret Service for tests (not shipped code): its own D-Bus session bus and an unlocked GNOME Keyring
// in a temp HOME, so keychain code runs against the real thing (secret-tool, libsecret, gnome-keyring) without
// touching the user's keyring. Needs the Debian packages dbus, gnome-keyring and libsecret-tools (.ci/run
// installs them); keyringToolsMissing() says which are absent so a suite can report why it is skipped.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const TOOLS = ['dbus-daemon', 'gnome-keyring-daemon', 'secret-tool'];

/**
 * A session bus without service activation: a probe sent before our daemon owns the Secret Service's name fails
 * instead of making D-Bus start a second, locked keyring daemon for it.
 */
const BUS_CONFIG = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;

export function keyringToolsMissing(): string[] {
  if (process.platform !== 'linux') return TOOLS;
  return TOOLS.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
}

export interface KeyringSession {
  /** The environment that reaches this keyring (DBUS_SESSION_BUS_ADDRESS, HOME, XDG_* of the temp dirs). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

function firstLine(child: ChildProcess, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start within 10 s`)), 10_000);
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code}`)));
  });
}

/** Waits until the Secret Service stores an item (the daemon has taken its bus name and unlocked the keyring). */
async function untilServing(env: Record<string, string>, daemon: ChildProcess): Promise<void> {
  for (let waited = 0; waited < 10_000; waited += 100) {
    if (daemon.exitCode !== null) throw new Error(`gnome-keyring-daemon exited with ${daemon.exitCode}`);
    const probe = spawnSync('secret-tool', ['store', '--label', 'coffer test probe', 'coffer-test', 'probe'], { env, input: 'probe', timeout: 5000 });
    if (probe.status === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the test Secret Service did not answer within 10 s');
}

export async function startKeyringSession(): Promise<KeyringSession> {
  const root = await mkdtemp(join(tmpdir(), 'coffer-keyring-'));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  Object.assign(env, { HOME: join(root, 'home'), XDG_DATA_HOME: join(root, 'data'), XDG_CONFIG_HOME: join(root, 'config'), XDG_RUNTIME_DIR: join(root, 'run') });
  for (const d of ['home', 'data', 'config']) await mkdir(join(root, d));
  await mkdir(join(root, 'run'), { mode: 0o700 });
  const children: ChildProcess[] = [];
  const stop = async () => {
    for (const c of children.reverse()) if (c.exitCode === null) c.kill('SIGTERM');
    await rm(root, { recursive: true, force: true });
  };
  try {
    await writeFile(join(root, 'bus.conf'), BUS_CONFIG);
    const bus = spawn('dbus-daemon', [`--config-file=${join(root, 'bus.conf')}`, '--nofork', '--print-address=1'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(bus);
    env.DBUS_SESSION_BUS_ADDRESS = await firstLine(bus, 'dbus-daemon');
    // --unlock reads the login keyring's password from stdin (creating the keyring with it); once the daemon owns
    // its bus name it prints its environment lines.
    const keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
    children.push(keyring);
    keyring.stdin!.end('coffer-test-keyring-password');
    await untilServing(env, keyring);
    return { env, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
