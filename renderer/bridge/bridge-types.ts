// What the rest of the renderer sees of the core: the contract's API, the one event subscription, and the two
// things that differ by transport hidden behind plain functions (starting an upload from Files the page holds,
// and handing over a finished browser-mode download). Nothing above this folder knows which transport it has.
import type { AppError, AppEvent, CofferApi, Envelope, JobSummary, Prefix, SseChoice } from '../../shared/contract';
import type { z } from 'zod';

/** A File from a drop or an <input type=file>, with its path under the drop target ('album/2026/a.jpg'). */
export interface PageFile {
  file: File;
  relativePath: string;
}

/** Files still being found (the inside of a dropped folder being walked), taken by the upload as they come. */
export interface MoreFiles {
  /** Up to `max` of the files found and not yet taken, waiting for one if there is none yet; none once all are taken. */
  take(max: number): Promise<PageFile[]>;
  /** True once the walk is over and every file found was taken. */
  readonly drained: boolean;
}

export interface UploadFilesRequest {
  connectionId: string;
  bucket: string;
  /** The prefix the files were dropped onto; each key is prefix + relativePath. */
  prefix: z.input<typeof Prefix>;
  sse: SseChoice;
  files: PageFile[];
  /** More files for the same upload, still being found: added to its job as they come. */
  more?: MoreFiles;
  /** A failure after the answer (browser mode adds a big drop's files to its job as it reads them). */
  onLaterError?: (error: AppError) => void;
}

export interface Bridge {
  api: CofferApi;
  /**
   * Uploads read the dropped files from their paths on disk (the desktop app), so every File given must have one:
   * a dropped folder is then walked by its entries, whose Files keep their paths, not by its faster handles.
   */
  needsFilePaths: boolean;
  /** The one event subscription; returns the function that ends it. */
  onEvent(listener: (event: AppEvent) => void): () => void;
  uploadFiles(request: UploadFilesRequest): Promise<Envelope<{ job: JobSummary }>>;
  /** Saves a finished browser-mode download (JobSummary.attachment) through the browser's own download. */
  openAttachment(downloadId: string, name: string): void;
  /**
   * The bytes of a preview 'objects.preview' prepared, held in memory only: browser mode fetches them from the host
   * (`GET /preview/<id>`, never cached), the desktop app asks 'objects.previewBytes'.
   */
  previewBlob(previewId: string): Promise<Envelope<Blob>>;
}
