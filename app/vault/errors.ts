// The vault's one error type. `code` lets callers (IPC handlers, the CLI) react without parsing messages;
// messages are sentences a user can act on and never contain a secret.

export type VaultErrorCode =
  | 'WRONG_PASSPHRASE' // the passphrase does not match the vault's key check value
  | 'UNLOCK_FAILED' // the protector (safeStorage, ...) could not recover the vault key
  | 'PROTECTOR_MISMATCH' // the vault was created with another kind of protector
  | 'PROTECTOR_UNAVAILABLE' // e.g. safeStorage without a real OS keyring
  | 'CORRUPT' // the file is not a readable vault
  | 'TAMPERED' // the file parses but fails authentication
  | 'CONFLICT' // the file changed on disk since this process read it
  | 'VALIDATION' // bad input (profile fields, key length, names)
  | 'DUPLICATE' // a profile or key with this name already exists
  | 'NOT_FOUND'
  | 'CLOSED';

export class VaultError extends Error {
  override readonly name = 'VaultError';
  constructor(
    readonly code: VaultErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isVaultError(err: unknown, code?: VaultErrorCode): err is VaultError {
  return err instanceof VaultError && (code === undefined || err.code === code);
}
