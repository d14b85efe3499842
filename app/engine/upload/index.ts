// Public surface of the upload engine.
export { UploadEngine, DEFAULT_UPLOAD_OPTIONS, type UploadEngineOptions, type SingleUpload, type InterruptedUpload } from './upload-engine';
export { UploadTransfer, type TransferResult } from './upload-transfer';
export { UploadError, appliedEncryption, type AppliedEncryption, type UploadEncryption, type UploadErrorCode } from './upload-encryption';
export { contentTypeFor, parseContentType } from './content-type';
export { partSizeFor, MAX_OBJECT_SIZE, MAX_PARTS, MAX_PART_SIZE, MIN_PART_SIZE, MiB, type UploadPlan, type PlanSkip, type UploadItem, type SourceInput, type Destination } from './upload-plan';
