// Public surface of the COS protocol client.
export { CosClient, type CosClientOptions } from './cos-client';
export { CosServiceError, CosNetworkError, CosIntegrityError, CosAbortError } from './errors';
export type { CosEndpoint } from './endpoint';
export type { Credentials, CredentialsProvider } from './request-executor';
export type { SseRequest, SseInfo } from './sse-headers';
export type { BodyInput, BodyObserver } from './request-body';
export { DEFAULT_RETRY, backoffDelay, isTransient, sleep, type RetryPolicy } from './retry';
export type { BucketEncryption, AclResult, AclGrant } from './operations/bucket-config';
export type { ObjectGrants } from './operations/op-context';
export type { ObjectInfo, GetObjectResult, PutObjectResult, DeleteObjectsResult } from './operations/objects';
export type { ListObjectsResult, ObjectSummary, ListPartsResult, ListUploadsResult } from './operations/listing';
export type { CopySource, CopyObjectResult, UploadPartCopyResult } from './operations/copy';
export type { InitiateResult, UploadPartResult, CompleteInput, CompleteResult, CompletedPart } from './operations/multipart';
