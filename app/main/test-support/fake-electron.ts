// Electron's main-process objects as plain fakes that record what the app does with them: enough to run the real
// wiring (desktop-app.ts) in Node and check every security setting, handler and guard without an Electron binary.
// The store's utility process is a real Node child process with the same arguments.
import { spawn } from 'node:child_process';
import type {
  AppLike,
  BrowserWindowLike,
  DialogLike,
  ElectronDeps,
  FrameLike,
  IpcMainInvokeEventLike,
  PrivilegedSchemeLike,
  SessionLike,
  UtilityProcessLike,
  WebContentsLike,
  WindowOptionsLike,
} from '../electron-api';

// `never[]`: any listener signature fits; emit() passes what Electron would.
type Listener = (...args: never[]) => unknown;

class Emitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(event: string, listener: Listener): this {
    const wrapped: Listener = (...args: never[]) => {
      this.listeners.set(event, (this.listeners.get(event) ?? []).filter((l) => l !== wrapped));
      return listener(...args);
    };
    return this.on(event, wrapped);
  }
  emit(event: string, ...args: unknown[]): void {
    for (const l of [...(this.listeners.get(event) ?? [])]) (l as (...a: unknown[]) => unknown)(...args);
  }
}

let nextId = 1;

export class FakeWebContents extends Emitter implements WebContentsLike {
  readonly id = nextId++;
  mainFrame: FrameLike = { url: '' };
  openHandler?: (details: { url: string }) => { action: 'deny' } | { action: 'allow' };
  readonly sent: Array<[string, unknown]> = [];
  destroyed = false;
  setWindowOpenHandler(handler: NonNullable<FakeWebContents['openHandler']>): void {
    this.openHandler = handler;
  }
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload]);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** Fires a navigation-type event as Chromium would; returns whether the app prevented it. */
  attempt(event: string, url: string): boolean {
    let prevented = false;
    this.emit(event, { preventDefault: () => (prevented = true), url }, url);
    return prevented;
  }
}

export class FakeBrowserWindow extends Emitter implements BrowserWindowLike {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  shown = false;
  destroyed = false;
  maximized = false;
  bounds: { x: number; y: number; width: number; height: number };
  constructor(readonly options: WindowOptionsLike) {
    super();
    this.bounds = { x: options.x ?? 100, y: options.y ?? 100, width: options.width, height: options.height };
    FakeBrowserWindow.instances.push(this);
  }
  async loadURL(url: string): Promise<void> {
    this.webContents.mainFrame = { url };
    this.emit('ready-to-show');
  }
  show(): void {
    this.shown = true;
  }
  focus(): void {}
  restore(): void {}
  isMinimized(): boolean {
    return false;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  maximize(): void {
    this.maximized = true;
  }
  getNormalBounds() {
    return this.bounds;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

export class FakeSession implements SessionLike {
  protocolHandlers = new Map<string, (request: Request) => Response | Promise<Response>>();
  permissionRequest?: (wc: unknown, permission: string, cb: (granted: boolean) => void) => void;
  permissionCheck?: (wc: unknown, permission: string) => boolean;
  deviceCheck?: (details: unknown) => boolean;
  headersListener?: Parameters<SessionLike['webRequest']['onHeadersReceived']>[0];
  constructor(readonly partition: string) {}
  protocol = { handle: (scheme: string, handler: (request: Request) => Response | Promise<Response>) => void this.protocolHandlers.set(scheme, handler) };
  setPermissionRequestHandler(h: FakeSession['permissionRequest'] | null): void {
    this.permissionRequest = h ?? undefined;
  }
  setPermissionCheckHandler(h: FakeSession['permissionCheck'] | null): void {
    this.permissionCheck = h ?? undefined;
  }
  setDevicePermissionHandler(h: FakeSession['deviceCheck'] | null): void {
    this.deviceCheck = h ?? undefined;
  }
  webRequest = { onHeadersReceived: (l: NonNullable<FakeSession['headersListener']>) => void (this.headersListener = l) };
}

export interface FakeElectron extends ElectronDeps {
  calls: string[];
  handlers: Map<string, (event: IpcMainInvokeEventLike, ...args: unknown[]) => unknown>;
  sessions: Map<string, FakeSession>;
  privileged: PrivilegedSchemeLike[];
  opened: string[];
  appEvents: Emitter;
  quits: number;
  lock: boolean;
  dialogAnswers: { open: string[]; save?: string };
}

export function fakeElectron(opts: { lock?: boolean } = {}): FakeElectron {
  FakeBrowserWindow.instances = [];
  const appEvents = new Emitter();
  const fake = {
    calls: [] as string[],
    handlers: new Map(),
    sessions: new Map<string, FakeSession>(),
    privileged: [] as PrivilegedSchemeLike[],
    opened: [] as string[],
    appEvents,
    quits: 0,
    lock: opts.lock ?? true,
    dialogAnswers: { open: [] as string[], save: undefined as string | undefined },
  } as FakeElectron;
  let ready = false;
  const app: AppLike = {
    requestSingleInstanceLock: () => (fake.calls.push('requestSingleInstanceLock'), fake.lock),
    quit: () => {
      fake.quits++;
      let prevented = false;
      appEvents.emit('before-quit', { preventDefault: () => (prevented = true) });
      if (!prevented) appEvents.emit('will-quit');
    },
    exit: () => fake.calls.push('exit'),
    whenReady: async () => {
      ready = true;
      fake.calls.push('ready');
    },
    getVersion: () => '0.1.0-test',
    getAppPath: () => '/app',
    on: ((event: string, listener: Listener) => appEvents.on(event, listener)) as AppLike['on'],
  };
  fake.app = app;
  fake.BrowserWindow = FakeBrowserWindow;
  fake.ipcMain = {
    handle(channel, listener) {
      if (fake.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      fake.handlers.set(channel, listener);
    },
  };
  fake.protocol = {
    registerSchemesAsPrivileged(schemes) {
      if (ready) throw new Error('registerSchemesAsPrivileged must be called before the app is ready');
      fake.privileged.push(...schemes);
      fake.calls.push('registerSchemesAsPrivileged');
    },
  };
  fake.session = {
    fromPartition(partition) {
      let s = fake.sessions.get(partition);
      if (!s) fake.sessions.set(partition, (s = new FakeSession(partition)));
      return s;
    },
  };
  fake.shell = { openExternal: async (url) => void fake.opened.push(url) };
  const dialog: DialogLike = {
    showOpenDialog: async () => ({ canceled: fake.dialogAnswers.open.length === 0, filePaths: fake.dialogAnswers.open }),
    showSaveDialog: async () => ({ canceled: fake.dialogAnswers.save === undefined, filePath: fake.dialogAnswers.save }),
  };
  fake.dialog = dialog;
  fake.screen = { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] };
  fake.safeStorage = { isEncryptionAvailable: () => false, encryptString: () => Buffer.alloc(0), decryptString: () => '' };
  fake.utilityProcess = {
    fork(modulePath, args = [], options = {}) {
      const child = spawn(process.execPath, [...(options.execArgv ?? []), modulePath, ...args], { env: options.env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      const proc: UtilityProcessLike = {
        get pid() {
          return child.pid;
        },
        stdout: child.stdout,
        stderr: child.stderr,
        kill: () => child.kill('SIGTERM'),
        once: ((event: string, listener: Listener) => {
          const call = listener as (...a: unknown[]) => unknown;
          if (event === 'exit') child.once('exit', (code, signal) => call(code ?? (signal ? 1 : 0)));
          else child.once(event, call);
          return proc;
        }) as UtilityProcessLike['once'],
      };
      return proc;
    },
  };
  return fake;
}
