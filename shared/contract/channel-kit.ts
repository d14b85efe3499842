// The pieces every channels-*.ts file declares its channels with (kept apart from channels.ts so the area
// files can import them without a cycle).
import { z } from 'zod';
import { BucketName, ConnectionId } from './common';

export function channel<Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res) {
  return { request, response };
}

/** A request with no fields. */
export const none = z.strictObject({});
/** The fields that name a bucket of a connection; spread into a request's object. */
export const target = { connectionId: ConnectionId, bucket: BucketName };
