// Turns the page's Files into the contract's upload items. Keys are the drop prefix plus the path under the
// drop (folders keep their structure); the source is whatever the transport can read.
import type { UploadItem, UploadSource } from '../../shared/contract';
import type { PageFile } from './bridge-types';

export function uploadItems(prefix: string, files: PageFile[], source: (f: PageFile, index: number) => UploadSource): UploadItem[] {
  return files.map((f, i) => ({ key: prefix + f.relativePath.replace(/^\/+/, ''), source: source(f, i) }));
}
