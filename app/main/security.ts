// The desktop window's security posture, one rule per item of Electron's security checklist
// (https://www.electronjs.org/docs/latest/tutorial/security), each with the item it implements:
//  #2/#3/#4  contextIsolation, sandbox, no Node integration anywhere (window, workers, sub-frames)
//  #5        a dedicated persistent partition (persist:coffer), never the default session
//  #6        webSecurity on, no insecure content
//  #7        a strict Content-Security-Policy on everything the app protocol serves (and any other response)
//  #8        no experimental features
//  #10       no <webview>, and will-attach-webview refused
//  #13       navigation refused (will-navigate, will-redirect, will-frame-navigate)
//  #14       window.open refused; external links go to the system browser, and only to an allow-list
//  #5 (perm) a deny-by-default permission handler (camera, notifications, clipboard, HID …: all refused)
//  #18       the renderer is served from a custom privileged scheme (app://coffer/…), not file://
import type { SessionLike, ShellLike, WebContentsLike, WebPreferencesLike } from './electron-api';

export const APP_SCHEME = 'app';
export const APP_HOST = 'coffer';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const PARTITION = 'persist:coffer';

/** The renderer needs no network: every COS request and all signing happen in the main process. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export function webPreferences(preload: string): WebPreferencesLike {
  return {
    preload,
    partition: PARTITION,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    // A file dropped outside the drop zone must not navigate the window to it.
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
  };
}

/** Where external links may go: Tencent Cloud's console and documentation, over HTTPS. */
export const EXTERNAL_HOSTS: ReadonlySet<string> = new Set(['cloud.tencent.com', 'console.cloud.tencent.com', 'www.tencentcloud.com', 'console.tencentcloud.com', 'github.com']);

export function isAllowedExternal(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && EXTERNAL_HOSTS.has(u.hostname) && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/** True for a URL of the app itself (app://coffer/…). */
export function isAppUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Deny-by-default permissions, the app's CSP on every response of the session. */
export function hardenSession(session: SessionLike): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler?.(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...(details.responseHeaders ?? {}) };
    for (const k of Object.keys(headers)) if (k.toLowerCase() === 'content-security-policy') delete headers[k];
    headers['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
    headers['X-Content-Type-Options'] = ['nosniff'];
    callback({ responseHeaders: headers });
  });
}

/**
 * Guards every web contents the app creates (app.on('web-contents-created')): no navigation away, no new windows
 * (allow-listed links open in the system browser), no webviews.
 */
export function guardWebContents(contents: WebContentsLike, shell: ShellLike, log: (line: string) => void = () => {}): void {
  const refuse = (what: string) => (event: { preventDefault(): void; url?: string }, url?: string) => {
    event.preventDefault();
    log(`refused ${what} to ${url ?? event.url ?? '?'}`);
  };
  // These fire only for navigations the page starts (a link, location.href, a form), never for the app's own
  // loadURL: the page has no reason to leave itself.
  contents.on('will-navigate', refuse('navigation'));
  contents.on('will-frame-navigate', refuse('frame navigation'));
  contents.on('will-redirect', refuse('redirect'));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternal(url)) void shell.openExternal(url).catch(() => undefined);
    else log(`refused to open ${url}`);
    return { action: 'deny' };
  });
}
