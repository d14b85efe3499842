// For contract.test.ts: one valid request and response per channel of channels-accounts.ts, and malformed requests
// (beyond the generic ones every channel is tried with) that each channel must refuse.
import type { Request, Response } from '../channels';
import type { accountChannels } from '../channels-accounts';

type Name = keyof typeof accountChannels;

const target = { connectionId: 'profile:8c1f0f7e-2b1a-4c55-9a8e-0d3f5b6a7c81', bucket: 'photos-1250000000' };
const account = {
  id: target.connectionId,
  name: 'Work',
  kind: 'cos',
  region: 'ap-guangzhou',
  appId: '1250000000',
  endpoint: null,
  secretIdMasked: 'AKID****3f9c',
  hasSessionToken: false,
  certificateSha256: null,
} as const;
const credentials = { secretId: 'AKIDq1w2e3r4t5y6u7i8o9p0a1s2d3f43f9c', secretKey: 'Zk3PqW8xR2mN5tY7vB1cD4fG6hJ9kL0s' };
const protection = { state: 'unlocked', protector: 'passphrase', forNewVault: 'passphrase' } as const;

export const accountExamples: { [C in Name]: { request: Request<C>; response: Response<C> } } = {
  'accounts.list': { request: {}, response: { accounts: [account] } },
  'accounts.test': {
    request: { kind: 'store', region: 'ap-guangzhou', endpoint: 'https://store.example.com:9000', credentials },
    response: { appId: '1250000000', buckets: 3, clockOffsetSeconds: 0 },
  },
  'accounts.add': {
    request: { name: 'Work', kind: 'cos', region: 'ap-guangzhou', credentials, vaultPassphrase: 'correct horse battery' },
    response: { account },
  },
  'accounts.update': { request: { accountId: account.id, name: 'Work (old)' }, response: { account: { ...account, name: 'Work (old)' } } },
  'accounts.remove': { request: { accountId: account.id }, response: { accountId: account.id } },
  'buckets.regions': { request: {}, response: { regions: [{ id: 'ap-guangzhou', sseOffered: true }, { id: 'ap-chengdu', sseOffered: false }] } },
  'buckets.contents': { request: target, response: { objects: 1200, bytes: 5_000_000, uploads: 1 } },
  'buckets.empty': { request: target, response: { deleted: 1000, aborted: 0, done: false, failures: [] } },
  'buckets.delete': { request: target, response: { bucket: target.bucket } },
  'buckets.setEncryption': { request: { ...target, defaultEncryption: { mode: 'SSE-COS' } }, response: { defaultEncryption: { mode: 'SSE-COS' } } },
  'vault.protection': { request: {}, response: protection },
  'vault.changePassphrase': { request: { current: 'old passphrase', next: 'a new passphrase' }, response: protection },
};

export const accountMalformed: Partial<Record<Name, unknown[]>> = {
  // A store account without its URL; a test with no keys and no account to take them from.
  'accounts.test': [{ kind: 'store', region: 'ap-guangzhou', credentials }, { kind: 'cos', region: 'ap-guangzhou' }],
  'accounts.add': [
    { name: 'Work', kind: 'cos', region: 'ap-guangzhou' },
    { name: 'Work', kind: 'cos', region: 'ap-guangzhou', credentials, vaultPassphrase: 'short' },
    { name: 'Work', kind: 'cos', region: 'ap-guangzhou', credentials, appId: 'abc' },
    { name: '', kind: 'cos', region: 'ap-guangzhou', credentials },
  ],
  'accounts.update': [{ name: 'no id' }, { accountId: account.id, credentials: { secretId: 'AKID' } }],
  'buckets.setEncryption': [{ ...target, defaultEncryption: { mode: 'SSE-C' } }, { ...target }],
  'vault.changePassphrase': [{ current: 'old', next: 'short' }],
};
