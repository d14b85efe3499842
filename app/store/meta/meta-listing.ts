// The two GET Bucket-style listings over the metadata tables: objects (GET Bucket v1) and multipart uploads
// (List Multipart Uploads). The page logic is list-walk.ts; this supplies the range queries.

import { checkPageQuery, markerStart, walkPage, type RangeSource, type Start } from './list-walk';
import { isCommonPrefix } from './key-order';
import { SUMMARY_COLUMNS, summaryFromRow, UPLOAD_COLUMNS, uploadFromRow } from './meta-rows';
import type {
  ListObjectsQuery,
  ListObjectsResult,
  ListUploadsQuery,
  ListUploadsResult,
  ObjectSummary,
  UploadRecord,
} from './meta-types';
import type { SqlSession } from './sql-session';
import type { SqlValue } from './sqlite-driver';

export function listObjects(sql: SqlSession, q: ListObjectsQuery): ListObjectsResult {
  checkPageQuery(q.prefix, q.delimiter, q.marker, q.maxKeys);
  const src: RangeSource<ObjectSummary> = {
    keyOf: (r) => r.key,
    // An index range scan on the primary key (bucket, key); only the listing columns are read.
    fetch: (start, upper, limit) => {
      const [op, from] = 'after' in start ? ['>', start.after.key] : [start.inclusive ? '>=' : '>', start.key];
      const text =
        `SELECT ${SUMMARY_COLUMNS} FROM objects WHERE bucket = ? AND key ${op} ?` +
        (upper === null ? '' : ' AND key < ?') +
        ' ORDER BY key LIMIT ?';
      const params = upper === null ? [q.bucket, from, limit] : [q.bucket, from, upper, limit];
      return sql.all(text, params).map(summaryFromRow);
    },
  };
  const start = markerStart<ObjectSummary>(q.prefix, q.delimiter, q.marker);
  const page = walkPage(src, { prefix: q.prefix, delimiter: q.delimiter, max: q.maxKeys }, start);
  let nextMarker = '';
  if (page.isTruncated && page.last) nextMarker = 'row' in page.last ? page.last.row.key : page.last.prefix;
  return { contents: page.rows, commonPrefixes: page.commonPrefixes, isTruncated: page.isTruncated, nextMarker };
}

/** Ordered by key, then initiation time, then upload id. */
export function listUploads(
  sql: SqlSession,
  q: ListUploadsQuery,
  getUpload: (uploadId: string) => UploadRecord | undefined,
): ListUploadsResult {
  checkPageQuery(q.prefix, q.delimiter, q.keyMarker, q.maxUploads);
  const src: RangeSource<UploadRecord> = {
    keyOf: (r) => r.key,
    fetch: (start, upper, limit) => fetchUploads(sql, q.bucket, start, upper, limit),
  };
  let start = markerStart<UploadRecord>(q.prefix, q.delimiter, q.keyMarker);
  let head: UploadRecord[] = [];
  const markerInRange =
    q.keyMarker !== '' &&
    q.keyMarker.startsWith(q.prefix) &&
    !q.keyMarker.includes('\0') &&
    !isCommonPrefix(q.keyMarker, q.prefix, q.delimiter);
  if (markerInRange && q.uploadIdMarker !== '') {
    const m = getUpload(q.uploadIdMarker);
    if (m && m.bucket === q.bucket && m.key === q.keyMarker) {
      start = { after: m };
    } else {
      // The marker upload is gone (completed or aborted since the last page), so its place in the order is
      // unknown: S3's rule — uploads of the marker key with a greater upload id — then the keys after it.
      head = sql
        .all(`SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE bucket = ? AND key = ? ORDER BY initiated, upload_id`, [
          q.bucket,
          q.keyMarker,
        ])
        .map(uploadFromRow)
        .filter((u) => u.uploadId > q.uploadIdMarker);
    }
  }
  const page = walkPage(src, { prefix: q.prefix, delimiter: q.delimiter, max: q.maxUploads }, start, head);
  let nextKeyMarker = '';
  let nextUploadIdMarker = '';
  if (page.isTruncated && page.last) {
    if ('row' in page.last) {
      nextKeyMarker = page.last.row.key;
      nextUploadIdMarker = page.last.row.uploadId;
    } else {
      nextKeyMarker = page.last.prefix;
    }
  }
  return {
    uploads: page.rows,
    commonPrefixes: page.commonPrefixes,
    isTruncated: page.isTruncated,
    nextKeyMarker,
    nextUploadIdMarker,
  };
}

function fetchUploads(
  sql: SqlSession,
  bucket: string,
  start: Start<UploadRecord>,
  upper: string | null,
  limit: number,
): UploadRecord[] {
  let cond: string;
  let params: SqlValue[];
  if ('after' in start) {
    cond = '(key, initiated, upload_id) > (?, ?, ?)';
    params = [start.after.key, start.after.initiated, start.after.uploadId];
  } else {
    cond = `key ${start.inclusive ? '>=' : '>'} ?`;
    params = [start.key];
  }
  if (upper !== null) {
    cond += ' AND key < ?';
    params.push(upper);
  }
  const text = `SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE bucket = ? AND ${cond} ORDER BY key, initiated, upload_id LIMIT ?`;
  return sql.all(text, [bucket, ...params, limit]).map(uploadFromRow);
}
