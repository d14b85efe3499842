// Downloads: one object to a file (resumable, CRC64-checked, atomic rename) and a prefix to a folder.
export { downloadObject, tempPathsFor, type DownloadObjectOptions, type DownloadProgress, type DownloadResult } from './download-object';
export { downloadPrefix, type DownloadPrefixOptions, type DownloadPrefixResult, type PrefixProgress } from './download-prefix';
export { DownloadIntegrityError, UnsafeKeyError } from './errors';
export { safeJoin } from './safe-path';
