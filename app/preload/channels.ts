// The contract's channel names and event channel, spelled here so the sandboxed preload bundle stays a few lines
// (the contract module carries its zod schemas). preload-api.test.ts checks this list against the contract's.
const BROWSER_CHANNELS = [
  'app.info',
  'connections.list',
  'buckets.list',
  'buckets.create',
  'objects.list',
  'objects.folders',
  'objects.status',
  'objects.createFolder',
  'objects.delete',
  'jobs.list',
  'jobs.startUpload',
  'jobs.addUploadItems',
  'jobs.startDownload',
  'jobs.startEncrypt',
  'jobs.startDelete',
  'jobs.pause',
  'jobs.resume',
  'jobs.cancel',
  'jobs.retry',
  'jobs.dismiss',
  'multipart.list',
  'multipart.abort',
  'dialogs.pickFiles',
  'dialogs.pickFolder',
  'dialogs.saveAs',
  'vault.status',
  'vault.unlock',
] as const;
// One list per area, as in shared/contract/channels-*.ts.
const ACCOUNT_CHANNELS = [
  'accounts.list',
  'accounts.test',
  'accounts.add',
  'accounts.update',
  'accounts.remove',
  'buckets.regions',
  'buckets.contents',
  'buckets.empty',
  'buckets.delete',
  'buckets.setEncryption',
  'vault.protection',
  'vault.changePassphrase',
] as const;
const DETAIL_CHANNELS = ['objects.details', 'objects.share', 'objects.preview', 'objects.previewBytes', 'objects.rename', 'objects.moveConflicts', 'jobs.startMove'] as const;
const SETTINGS_CHANNELS = ['settings.get', 'settings.update', 'ssec.list', 'ssec.generate', 'ssec.import', 'ssec.export', 'ssec.usage', 'ssec.remove'] as const;

export const PRELOAD_CHANNELS = [...BROWSER_CHANNELS, ...ACCOUNT_CHANNELS, ...DETAIL_CHANNELS, ...SETTINGS_CHANNELS] as const;

export const PRELOAD_EVENT_CHANNEL = 'coffer:event';
