// The accounts area (issue 14 §1): COS accounts and store URLs, buckets' creation, encryption and deletion, and the
// vault's protection for Settings.
export { AccountDialog } from './AccountDialog';
export { AccountMenu, AddAccountButton } from './AccountMenu';
export { BucketMenu } from './BucketMenu';
export { CreateBucketButton } from './CreateBucketDialog';
export { VaultProtectionSection } from './VaultProtectionSection';
