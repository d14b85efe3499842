// The part of Electron the main process uses, typed by shape. The wiring takes these objects injected (main.ts
// passes the real modules; tests pass fakes), so every security setting and guard is checked in plain Node, where
// no Electron binary runs. Only app/main and app/preload import `electron` itself.

export interface WebPreferencesLike {
  preload: string;
  partition: string;
  contextIsolation: boolean;
  sandbox: boolean;
  nodeIntegration: boolean;
  nodeIntegrationInWorker: boolean;
  nodeIntegrationInSubFrames: boolean;
  webviewTag: boolean;
  webSecurity: boolean;
  allowRunningInsecureContent: boolean;
  experimentalFeatures: boolean;
  navigateOnDragDrop: boolean;
  spellcheck: boolean;
  safeDialogs: boolean;
}

export interface WindowOptionsLike {
  x?: number;
  y?: number;
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  show: boolean;
  title: string;
  backgroundColor?: string;
  webPreferences: WebPreferencesLike;
}

export interface FrameLike {
  url: string;
}

export interface WebContentsLike {
  id: number;
  mainFrame?: FrameLike;
  on(event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate', listener: (event: { preventDefault(): void; url?: string }, url?: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  on(event: 'destroyed', listener: () => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}

export interface BrowserWindowLike {
  webContents: WebContentsLike;
  loadURL(url: string): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'close' | 'closed' | 'resize' | 'move' | 'maximize' | 'unmaximize', listener: () => void): unknown;
  show(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isMaximized(): boolean;
  maximize(): void;
  getNormalBounds(): { x: number; y: number; width: number; height: number };
  isDestroyed(): boolean;
}

export type BrowserWindowCtor = new (options: WindowOptionsLike) => BrowserWindowLike;

export interface IpcMainInvokeEventLike {
  sender: WebContentsLike;
  senderFrame: FrameLike | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEventLike, ...args: unknown[]) => unknown): void;
}

export interface ProtocolLike {
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
}

export interface PrivilegedSchemeLike {
  scheme: string;
  privileges: { standard?: boolean; secure?: boolean; supportFetchAPI?: boolean; corsEnabled?: boolean; stream?: boolean; codeCache?: boolean };
}

export interface ProtocolModuleLike {
  registerSchemesAsPrivileged(schemes: PrivilegedSchemeLike[]): void;
}

export interface SessionLike {
  protocol: ProtocolLike;
  setPermissionRequestHandler(handler: ((webContents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null): void;
  setPermissionCheckHandler(handler: ((webContents: unknown, permission: string) => boolean) | null): void;
  setDevicePermissionHandler?(handler: ((details: unknown) => boolean) | null): void;
  webRequest: {
    onHeadersReceived(listener: (details: { url: string; responseHeaders?: Record<string, string[]> }, callback: (response: { responseHeaders?: Record<string, string[]>; cancel?: boolean }) => void) => void): void;
  };
}

export interface SessionModuleLike {
  fromPartition(partition: string): SessionLike;
}

export interface AppLike {
  requestSingleInstanceLock(): boolean;
  quit(): void;
  exit(code?: number): void;
  whenReady(): Promise<unknown>;
  getVersion(): string;
  getAppPath(): string;
  on(event: 'second-instance' | 'window-all-closed' | 'activate', listener: () => void): unknown;
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  on(event: 'web-contents-created', listener: (event: unknown, contents: WebContentsLike) => void): unknown;
}

export interface ShellLike {
  openExternal(url: string): Promise<void>;
}

export interface DialogLike {
  showOpenDialog(window: BrowserWindowLike, options: { properties: string[]; title?: string }): Promise<{ canceled: boolean; filePaths: string[] }>;
  showSaveDialog(window: BrowserWindowLike, options: { defaultPath?: string; title?: string }): Promise<{ canceled: boolean; filePath?: string }>;
}

export interface ScreenLike {
  getAllDisplays(): Array<{ workArea: { x: number; y: number; width: number; height: number } }>;
}

export interface SafeStorageModuleLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  getSelectedStorageBackend?(): string;
}

export interface UtilityProcessLike {
  pid: number | undefined;
  stdout: NodeJS.ReadableStream | null;
  stderr: NodeJS.ReadableStream | null;
  kill(): boolean;
  once(event: 'exit', listener: (code: number) => void): unknown;
  once(event: 'spawn', listener: () => void): unknown;
}

export interface UtilityProcessModuleLike {
  fork(modulePath: string, args?: string[], options?: { execArgv?: string[]; env?: Record<string, string | undefined>; stdio?: 'pipe' | 'ignore' | 'inherit'; serviceName?: string }): UtilityProcessLike;
}

/** Everything the desktop app takes from Electron. */
export interface ElectronDeps {
  app: AppLike;
  BrowserWindow: BrowserWindowCtor;
  ipcMain: IpcMainLike;
  protocol: ProtocolModuleLike;
  session: SessionModuleLike;
  shell: ShellLike;
  dialog: DialogLike;
  screen: ScreenLike;
  safeStorage: SafeStorageModuleLike;
  utilityProcess: UtilityProcessModuleLike;
}
