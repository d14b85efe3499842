// Fault injection for an in-process store: the next fdatasync of meta.db's WAL fails with EIO. The store's group
// commit syncs the WAL through the `fs` module object (data files sync through their FileHandle), so replacing
// `fs.fdatasync` reaches exactly that sync. The original comes back after the one failure, or from `restore()`.
import fs from 'node:fs';

export function failNextWalSync(): { restore(): void } {
  const real = fs.fdatasync;
  const restore = () => {
    fs.fdatasync = real;
  };
  fs.fdatasync = ((_fd: number, cb: fs.NoParamCallback) => {
    restore();
    cb(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
  }) as typeof fs.fdatasync;
  return { restore };
}
