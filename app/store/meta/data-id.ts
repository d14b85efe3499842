// The one format of a data-file id, shared by DataFiles (which turns ids into paths) and MetadataDb (which
// refuses to record anything else): 32 lowercase hex digits — 128 random bits for a file, a millisecond time and 80
// random bits for bytes kept in meta.db (DataFiles.newInlineId). Checking it at both ends means no
// stored value can ever become a path outside objects/ or tmp/.

const DATA_ID = /^[0-9a-f]{32}$/;

export function isDataId(id: unknown): id is string {
  return typeof id === 'string' && DATA_ID.test(id);
}

export function assertDataId(id: unknown): asserts id is string {
  if (!isDataId(id)) throw new Error(`invalid data id ${JSON.stringify(id)}: expected 32 lowercase hex digits`);
}
