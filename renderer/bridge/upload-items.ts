// Turns the page's Files into the contract's upload items. Keys are the drop prefix plus the path under the
// drop (folders keep their structure); the source is whatever the transport can read. Built in time slices:
// reading 10,000 dropped Files' sizes and dates may ask the disk for each, and the window must stay responsive.
import type { UploadItem, UploadSource } from '../../shared/contract';
import { timeSlicer } from '../lib/time-slice';
import type { MoreFiles, PageFile } from './bridge-types';

export async function uploadItems(prefix: string, files: PageFile[], source: (f: PageFile) => UploadSource): Promise<UploadItem[]> {
  const items: UploadItem[] = [];
  const slice = timeSlicer();
  for (const f of files) {
    items.push({ key: prefix + f.relativePath.replace(/^\/+/, ''), source: source(f) });
    const turn = slice();
    if (turn) await turn;
  }
  return items;
}

/** `files` and every file still to be found after them (for a transport that sends one request naming them all). */
export async function allFiles(files: PageFile[], more?: MoreFiles): Promise<PageFile[]> {
  const all = [...files];
  while (more && !more.drained) all.push(...(await more.take(Number.POSITIVE_INFINITY)));
  return all;
}
