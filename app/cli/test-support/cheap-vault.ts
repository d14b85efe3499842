// A passphrase vault made at scrypt's lowest accepted cost before a test's first command. Every command that opens
// a vault runs one scrypt at the cost in its header; at the default (2^17, 128 MiB) that is most of a command's
// time on a loaded 2-core machine, and the vault-heavy tests run dozens of commands. Tests that check how a
// command creates a vault do not use this.
import { fastPassphrase } from '../../vault/test-support';
import { Vault } from '../../vault/vault';

export async function seedPassphraseVault(home: string, passphrase: string): Promise<void> {
  (await Vault.open(home, { protector: fastPassphrase(passphrase) })).close();
}
