// The desktop shell: one window, a menu, and a bridge from the renderer to the engine process.
// Thin wiring only: everything the app does is an engine or UI call behind the one contract.
import { app, BrowserWindow, ipcMain, Menu, session, shell, type IpcMainInvokeEvent, type MenuItemConstructorOptions } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { appContract } from '../../src-shared/contract/ui.ts';
import { resolveDataDir } from '../config/data-dir.ts';
import { EngineClient } from '../serve/engine-client.ts';
import { loadWindowState, saveWindowState } from './window-state.ts';

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const repoRoot = app.getAppPath();
const rendererIndex = path.join(repoRoot, 'out', 'renderer', 'index.html');
const rendererUrl = pathToFileURL(rendererIndex).href;
let win: BrowserWindow | null = null;
let engine: EngineClient | null = null;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.whenReady().then(start, (err: Error) => {
    process.stderr.write(`Countersign could not start: ${err.message}\n`);
    app.exit(1);
  });
}

const sendEvent = (channel: string, payload: unknown) => win?.webContents.send('countersign:event', { channel, payload });
const go = (hash: string) => sendEvent('navigate', hash);

/** Only our own page, in its top frame, may call the engine. */
function fromOurPage(e: IpcMainInvokeEvent): boolean {
  return e.senderFrame !== null && e.senderFrame === win?.webContents.mainFrame && e.senderFrame.url.split('#')[0] === rendererUrl;
}

async function start(): Promise<void> {
  const dataDir = resolveDataDir(process.env.COUNTERSIGN_DATA_DIR);
  // The engine host from the bundle beside this file. Unpackaged, the system Node runs it (the native
  // modules in node_modules are built for it); a packaged app runs it with its own executable as Node.
  engine = new EngineClient({ dataDir, onEvent: sendEvent, ...(app.isPackaged ? { execPath: process.execPath, runAsNode: true } : {}) });

  ipcMain.handle('countersign:invoke', async (e, name: unknown, arg: unknown) => {
    if (!fromOurPage(e)) return { ok: false, error: { code: 'forbidden', message: 'Not from the Countersign window' } };
    // Validated on arrival against the call's schema; the engine process validates again before it acts.
    if (typeof name !== 'string' || !Object.hasOwn(appContract, name)) return { ok: false, error: { code: 'unknown_call', message: `No such call: ${String(name)}` } };
    const parsed = appContract[name as keyof typeof appContract].input.safeParse(arg ?? {});
    if (!parsed.success) return { ok: false, error: { code: 'invalid_argument', message: parsed.error.issues.map((i) => `${i.path.join('.') || '(argument)'}: ${i.message}`).join('; ') } };
    return engine!.call(name, arg ?? {});
  });

  session.defaultSession.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } }),
  );
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  Menu.setApplicationMenu(buildMenu());
  createWindow();
}

function createWindow(): void {
  const stateDir = app.getPath('userData');
  const state = loadWindowState(stateDir);
  win = new BrowserWindow({
    ...state,
    minWidth: 1024,
    minHeight: 600,
    show: false,
    title: 'Countersign',
    webPreferences: {
      preload: path.join(repoRoot, 'out', 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  if (state.maximized) win.maximize();
  win.once('ready-to-show', () => win?.show());
  const remember = () => {
    if (!win || win.isMinimized()) return;
    saveWindowState(stateDir, { ...win.getNormalBounds(), maximized: win.isMaximized() });
  };
  win.on('close', remember);
  win.on('closed', () => (win = null));

  const contents = win.webContents;
  // No navigation away from the app, no new windows, no webviews; links to the web open in the browser.
  contents.on('will-navigate', (e, url) => {
    if (url.split('#')[0] !== rendererUrl) e.preventDefault();
  });
  contents.on('will-redirect', (e) => e.preventDefault());
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  void win.loadFile(rendererIndex, { hash: '/queue' });
}

function buildMenu(): Menu {
  const mod = process.platform === 'darwin' ? 'Cmd' : 'Ctrl';
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [{ label: 'Import documents…', accelerator: `${mod}+O`, click: () => go('#/import') }, { type: 'separator' }, { role: 'quit' }],
    },
    { role: 'editMenu' },
    {
      label: 'Go',
      submenu: [
        { label: 'Queue', accelerator: `${mod}+1`, click: () => go('#/queue') },
        { label: 'Review', accelerator: `${mod}+2`, click: () => go('#/review') },
        { label: 'Import', accelerator: `${mod}+3`, click: () => go('#/import') },
        { label: 'Activity', accelerator: `${mod}+4`, click: () => go('#/activity') },
        { label: 'Settings', accelerator: `${mod}+5`, click: () => go('#/settings') },
      ],
    },
    { label: 'View', submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }, ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }])] },
  ];
  return Menu.buildFromTemplate(template);
}

// A clean quit: the engine finishes the calls in progress and closes its database before the app exits;
// documents cut off mid-pipeline are resumed at the next start.
let quitting = false;
app.on('before-quit', (e) => {
  if (quitting || !engine) return;
  e.preventDefault();
  quitting = true;
  void engine.shutdown().finally(() => app.quit());
});
app.on('window-all-closed', () => app.quit());
