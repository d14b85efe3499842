// Runtime configuration of one store instance, as the CLI (or a test) builds it.
import { COS_SSE_REGIONS } from '../cos/sse-regions';

export interface StoreCredentials {
  secretId: string;
  secretKey: string;
}

export interface StoreConfig {
  /** Data directory: metadata database and encrypted data files. */
  dataDir: string;
  /** Master keyring file; must live outside dataDir. Only the keyring the data folder records is accepted. */
  keyringPath: string;
  /**
   * The id a store created by this open gets (random when absent): lets the caller name the default keyring after
   * the store before it exists. Ignored for an existing store.
   */
  newStoreId?: string;
  /** Local KMS key file (SSE-KMS); defaults beside the keyring. */
  kmsPath: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  appid: string;
  /** Region assumed for path-style bucket creation (virtual-host requests carry their own). */
  region: string;
  credentials: StoreCredentials[];
  /** Regions where any SSE mode is allowed (COS documents Beijing, Shanghai, Guangzhou). */
  sseRegions: string[];
  rotationDays: number;
  tls?: { cert: Buffer; key: Buffer };
  /** Accepted clock skew for signatures, in seconds, beyond the signed window. */
  clockSkewSeconds: number;
  /** Slow-client limits (defaults: 30 s to send headers, 60 s idle on a connection). */
  headersTimeoutMs?: number;
  idleTimeoutMs?: number;
  /** Called with one line per notable event (never with secrets). */
  log: (line: string) => void;
}

/** COS's own rule (app/cos/sse-regions.ts), which clients check before sending; `--sse-regions` replaces it. */
export const DEFAULT_SSE_REGIONS: string[] = [...COS_SSE_REGIONS];
export const DEFAULT_APPID = '1250000000';
/** `coffer-store serve` (and so `npm start`) listens on 127.0.0.1 at this port unless told otherwise. */
export const DEFAULT_STORE_PORT = 9000;
export const DEFAULT_REGION = 'ap-guangzhou';
export const DEFAULT_ROTATION_DAYS = 90;

/** COS limits the store enforces. */
export const LIMITS = {
  maxKeyBytes: 850,
  maxSinglePutBytes: 5 * 1024 ** 3,
  maxPartBytes: 5 * 1024 ** 3,
  minPartBytes: 1024 * 1024,
  maxPartNumber: 10_000,
  maxUserMetaBytes: 2048,
  maxXmlBodyBytes: 2 * 1024 * 1024,
  maxKeysPerList: 1000,
  maxDeleteObjects: 1000,
  maxBuckets: 1000,
  /**
   * Single-part objects up to this size are kept in meta.db, committed with their row (one WAL write shared by a
   * group of PUTs) instead of a data file of their own; 64 KiB is one SSE chunk.
   */
  maxInlineObjectBytes: 64 * 1024,
} as const;
