// Electron: the preload's `window.coffer` already is the contract's API (named functions over ipcRenderer),
// and dropped or picked Files have paths on disk (webUtils.getPathForFile), so uploads read from the paths.
import { fail, type CofferApi, type CofferPreload } from '../../shared/contract';
import type { Bridge } from './bridge-types';
import { blobFromChannel } from './preview-blob';
import { allFiles, uploadItems } from './upload-items';

export function electronBridge(preload: CofferPreload): Bridge {
  const { onEvent: _onEvent, pathForFile: _pathForFile, ...api } = preload;
  return {
    api: api as CofferApi,
    needsFilePaths: true,
    onEvent: (listener) => preload.onEvent(listener),
    // A desktop upload is one request (the core reads the files): nothing can fail after its answer.
    async uploadFiles({ files: given, more, onLaterError: _later, ...target }) {
      // Files still being found (a dropped folder's walk) are all waited for: the request names every path.
      const files = await allFiles(given, more);
      const missing = files.find((f) => !preload.pathForFile(f.file));
      if (missing) {
        return fail('usage', 'NoFilePath', `Coffer cannot read "${missing.file.name}" from the disk; drop it from a folder instead.`, { path: missing.relativePath });
      }
      const items = await uploadItems(target.prefix, files, (f) => ({ kind: 'path', path: preload.pathForFile(f.file) }));
      return preload.jobs.startUpload({ ...target, items });
    },
    openAttachment() {
      // Electron downloads are written to the path chosen in "Save as…"; there is no attachment to open.
    },
    previewBlob: (previewId) => blobFromChannel(api as CofferApi, previewId),
  };
}
