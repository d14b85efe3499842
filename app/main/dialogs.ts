// "Upload files…", "Upload folder…" and "Save as…": the OS's own dialogs, parented to the window that asked.
import type { NativeDialogs } from '../services/ipc/handlers';
import type { BrowserWindowLike, DialogLike } from './electron-api';

export function nativeDialogs(dialog: DialogLike, win: BrowserWindowLike): NativeDialogs {
  return {
    async pickFiles() {
      const r = await dialog.showOpenDialog(win, { title: 'Upload files', properties: ['openFile', 'multiSelections'] });
      return r.canceled ? [] : r.filePaths;
    },
    async pickFolder() {
      const r = await dialog.showOpenDialog(win, { title: 'Upload folder', properties: ['openDirectory'] });
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    async saveAs(suggestedName) {
      const r = await dialog.showSaveDialog(win, { title: 'Save as', defaultPath: suggestedName });
      return r.canceled ? null : (r.filePath ?? null);
    },
  };
}
