// One open store: the data directory (locked for this process), its metadata database, data files and the key
// services. Handlers reach everything through this object. It opens only with the keyring its data folder records
// (store-binding.ts).
import type { StoreConfig } from './config';
import { DataFiles } from './meta/data-files';
import { MetadataDb, type DataPart, type ObjectRecord } from './meta/metadata-db';
import { StoreLock } from './meta/store-lock';
import { Keyring } from './sse/keyring';
import { LocalKms } from './sse/local-kms';
import { partsDigest, type WrapContext } from './sse/key-wrap';
import type { KeyServices } from './objects/object-encryption';
import { KeyRotation } from './objects/key-rotation';
import { makeDirs } from '../platform/make-dirs';
import { planStoreOpen, StoreBinding } from './store-binding';

export class Store {
  readonly rotation: KeyRotation;

  private constructor(
    readonly config: StoreConfig,
    readonly meta: MetadataDb,
    readonly files: DataFiles,
    readonly keys: KeyServices,
    private readonly lock: StoreLock,
    /** The data folder's record of its keyring (store-binding.ts); rotation keeps it current. */
    readonly binding: StoreBinding,
  ) {
    this.rotation = new KeyRotation(this);
  }

  static async open(config: StoreConfig): Promise<Store> {
    // Reads only: a keyring that is not this folder's is refused before the folder, its lock or any file changes.
    await planStoreOpen(config.dataDir, config.keyringPath);
    await makeDirs(config.dataDir, 0o700);
    const lock = await StoreLock.acquire(config.dataDir);
    let meta: MetadataDb | undefined;
    try {
      // Again under the lock, which no other process can now change the folder without.
      const plan = await planStoreOpen(config.dataDir, config.keyringPath);
      const binding = await StoreBinding.begin(config.dataDir, plan, config.newStoreId);
      meta = MetadataDb.open(config.dataDir, binding.storeId);
      binding.checkMetaId(meta.storeId());
      // Before the sweep below deletes anything: only a store with nothing sealed yet may get a new keyring.
      const keyring = await Keyring.open(config.keyringPath, {
        storeId: meta.storeId(),
        dataDir: config.dataDir,
        onWarning: config.log,
        create: binding.keyringMayBeCreated,
      });
      await binding.remember(keyring);
      const files = new DataFiles(config.dataDir);
      const db = meta;
      const swept = await files.sweep((id) => db.isDataReferenced(id), { full: lock.unclean });
      if (lock.unclean) config.log(`recovered from an unclean shutdown: removed ${swept.tmpRemoved} temp and ${swept.orphansRemoved} orphan data files`);
      const kms = await LocalKms.open(config.kmsPath);
      return new Store(config, meta, files, { keyring, kms }, lock, binding);
    } catch (err) {
      meta?.close();
      await lock.release();
      throw err;
    }
  }

  /** The wrap context of a committed object: binds bucket, key, size and the part table. */
  wrapContext(rec: Pick<ObjectRecord, 'bucket' | 'key' | 'size' | 'parts'>): Omit<WrapContext, 'objectId' | 'extra'> {
    return {
      bucket: rec.bucket,
      key: rec.key,
      size: rec.size,
      partsDigest: partsDigest(rec.parts.map((p) => ({ partNumber: p.partNumber, size: p.size, partSalt: p.partSalt ?? '' }))),
    };
  }

  /** removeData for the parts of a record that has left the metadata: inline parts went with their row. */
  async removeDataOf(parts: Iterable<DataPart>): Promise<void> {
    const files: string[] = [];
    for (const p of parts) if (!p.inline) files.push(p.dataId);
    await this.removeData(files);
  }

  /** Deletes data files no longer referenced (after the metadata commit that dropped them). */
  async removeData(dataIds: Iterable<string>): Promise<void> {
    for (const id of dataIds) {
      try {
        await this.files.remove(id);
      } catch (err) {
        // Left for the sweep after the next unclean start; never fails the request that already committed.
        this.config.log(`could not remove data file ${id}: ${(err as Error).message}`);
      }
    }
  }

  async close(): Promise<void> {
    await this.rotation.stop();
    this.meta.close();
    await this.lock.release();
  }
}
