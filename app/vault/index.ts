// app/vault: credential profiles and secrets (the only place secrets are decrypted). Never imports electron.
export { Vault, findByName, maskSecretId, md5Fingerprint, SSE_C_KEY_BYTES } from './vault';
export type { ProfileView, SigningCredentials, SseCustomerKeyView, VaultOpenOptions } from './vault';
export { VaultError, isVaultError } from './errors';
export type { VaultErrorCode } from './errors';
export { passphraseProtector, safeStorageProtector, DEFAULT_SCRYPT_N, MIN_SCRYPT_N } from './protectors';
export type { SecretProtector, ParameterizedProtector, SafeStorageLike, PassphraseOptions } from './protectors';
export { passphraseProtectorFromEnvironment, PASSPHRASE_ENV } from './passphrase-source';
export { findKeychain, keychainBackend, keychainProtector, KEYCHAIN_SERVICE } from './keychain-protector';
export type { KeychainBackend } from './keychain-protector';
export { resolveCofferHome, ensureCofferHome, cofferPaths, COFFER_HOME_MODE } from './coffer-home';
export { redactSecrets, redactingLogger, buildRedactor, REDACTED } from './redact';
export type { Logger } from './redact';
export { checkProfileInput } from './profile-schema';
export type { ProfileInput, ProfilePatch, ProfileKind } from './profile-schema';
