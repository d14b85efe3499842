// The vault's SSE-C customer keys as the window manages them (Settings → SSE-C keys): list by name and fingerprint,
// generate, import (base64 or hex, 32 bytes), export to a file, remove with what Coffer knows may still need the key.
// Adding the first key creates the vault the way the first COS account does (vault-setup.ts). Key bytes leave the
// vault only for an export the user asked for: into a new owner-only file (never over an existing one), or, in
// browser mode, into a one-time attachment (one-time-downloads.ts). Downloads of SSE-C objects find their key here
// (keyFor): COS cannot say which key an object needs, so the vault's keys are tried with a HEAD each.
import { writeFile } from 'node:fs/promises';
import type { JobSummary } from '../../shared/contract';
import type { SseCKeysVault, SseCKeyView } from '../../shared/contract/channels-settings';
import { isSseCKeyText } from '../../shared/contract/channels-settings';
import type { CosClient } from '../cos/client';
import { CosServiceError } from '../cos/client/errors';
import { isVaultError, md5Fingerprint, SSE_C_KEY_BYTES, type SseCustomerKeyView, type Vault } from '../vault';
import { headObjectWithKeys, type SseCKeySource } from './object-details';
import type { OneTimeDownloads } from './one-time-downloads';
import { ServiceError } from './service-error';
import type { SettingsService } from './settings';
import type { SseCUsage } from './sse-c-usage';
import type { VaultAccess } from './vault-access';
import type { VaultSetup } from './vault-setup';

const ACTIVE = new Set(['queued', 'running', 'paused', 'interrupted']);

export interface SseCKeysOptions {
  vault: VaultAccess;
  setup: VaultSetup;
  usage: SseCUsage;
  settings: SettingsService;
  downloads: OneTimeDownloads;
  /** The job list, for "unfinished jobs use this key". */
  jobs(): JobSummary[];
}

/** The key's bytes from the text the user typed or pasted: 64 hex digits or 44 base64 characters. */
export function decodeKeyText(text: string): Buffer {
  const t = text.trim();
  if (isSseCKeyText(t)) {
    const key = Buffer.from(t, /^[0-9a-fA-F]{64}$/.test(t) ? 'hex' : 'base64');
    if (key.length === SSE_C_KEY_BYTES) return key;
  }
  throw new ServiceError('usage', 'BadSseCKey', `That is not an SSE-C key: a key is ${SSE_C_KEY_BYTES} bytes, written as base64 (44 characters) or hex (64 characters). Nothing was added.`);
}

function view(k: SseCustomerKeyView): SseCKeyView {
  return { id: k.id, name: k.name, fingerprint: k.md5Fingerprint, created: k.created };
}

/** The file name an export suggests: the key's name, made safe for any file system. */
export function exportFileName(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is being removed
  const safe = name.replace(/[\\/:*?"<>|\u0000-\u001f\u007f]/g, '_').replace(/^\.+/, '_').slice(0, 100);
  return `${safe || 'sse-c-key'}.key`;
}

export class SseCKeys {
  constructor(private readonly opts: SseCKeysOptions) {}

  async list(): Promise<{ keys: SseCKeyView[]; vault: SseCKeysVault }> {
    const status = await this.opts.vault.status();
    // Opened here if that needs nobody (safeStorage, keychain); a vault that needs its passphrase stays 'locked'.
    const vault = await this.opts.vault.tryOpen().catch(() => undefined);
    const state = vault ? 'unlocked' : status.state === 'none' ? 'absent' : 'locked';
    return {
      keys: vault ? vault.listSseCustomerKeys().map(view) : [],
      vault: { state, newVaultNeedsPassphrase: state === 'absent' && (await this.opts.setup.needsPassphrase()) },
    };
  }

  async generate(name: string, vaultPassphrase?: string): Promise<SseCKeyView> {
    const vault = await this.opts.setup.openOrCreate(vaultPassphrase);
    return view(await vault.generateSseCustomerKey(name).catch(nameTaken(name)));
  }

  /** Adds the user's own key. Checked before the vault is touched: a bad key must not leave a new, empty vault. */
  async import(name: string, text: string, vaultPassphrase?: string): Promise<SseCKeyView> {
    const key = decodeKeyText(text);
    try {
      const fingerprint = md5Fingerprint(key);
      const status = await this.opts.vault.status();
      if (status.state !== 'none') {
        const same = (await this.opts.vault.require()).listSseCustomerKeys().find((k) => k.md5Fingerprint === fingerprint);
        if (same) throw new ServiceError('conflict', 'SseCKeyExists', `This key is already in the vault, named "${same.name}"; nothing was added.`);
      }
      const vault = await this.opts.setup.openOrCreate(vaultPassphrase);
      return view(await vault.addSseCustomerKey(name, key).catch(nameTaken(name)));
    } finally {
      key.fill(0);
    }
  }

  /**
   * Writes the key (base64 and a newline, as `coffer sse-c-key export` does) to `path`, a new file readable by this
   * user only. An existing file is never replaced.
   */
  async exportToFile(id: string, path: string): Promise<void> {
    const key = await this.key(id);
    try {
      await writeFile(path, `${key.toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new ServiceError('conflict', 'ExportFileExists', `${path} already exists; a key is only written to a new file. Choose another name.`, { path });
      }
      throw err;
    } finally {
      key.fill(0);
    }
  }

  /** Browser mode: the key file offered once on the host's download route; answers its id and name. */
  async exportAsAttachment(id: string): Promise<{ downloadId: string; name: string }> {
    const { name } = await this.find(id);
    const key = await this.key(id);
    const text = Buffer.from(`${key.toString('base64')}\n`);
    try {
      return { downloadId: this.opts.downloads.offer(exportFileName(name), text), name: exportFileName(name) };
    } finally {
      key.fill(0);
      text.fill(0);
    }
  }

  async usage(id: string): Promise<{ count: number; recent: Array<{ connectionId: string; bucket: string; key: string }>; activeJobs: number }> {
    await this.find(id);
    const { count, recent } = await this.opts.usage.of(id);
    const activeJobs = this.opts.jobs().filter((j) => ACTIVE.has(j.state) && j.sse?.mode === 'sse-c' && j.sse.vaultKeyId === id).length;
    return { count, recent, activeJobs };
  }

  /** Removes the key. A default encryption naming it falls back to SSE-COS, so the next upload does not fail. */
  async remove(id: string): Promise<{ defaultReset: boolean }> {
    const vault = await this.opts.vault.require();
    await this.find(id, vault);
    await vault.removeSseCustomerKey(id);
    await this.opts.usage.forget(id);
    const def = this.opts.settings.current().defaultEncryption;
    const defaultReset = def.mode === 'sse-c' && def.vaultKeyId === id;
    if (defaultReset) await this.opts.settings.update({ defaultEncryption: { mode: 'sse-cos' } });
    return { defaultReset };
  }

  /** Whether the vault holds the key `id` (for a default encryption that names it). */
  async exists(id: string): Promise<boolean> {
    const vault = await this.opts.vault.require();
    return vault.listSseCustomerKeys().some((k) => k.id === id);
  }

  /** The vault's keys as the objects' SSE-C lookups try them (none while the vault is absent or locked). */
  source(): SseCKeySource {
    return {
      ids: async () => ((await this.opts.vault.tryOpen().catch(() => undefined))?.listSseCustomerKeys() ?? []).map((k) => k.id),
      key: async (id) => (await this.opts.vault.require()).getSseCustomerKey(id),
    };
  }

  /**
   * The vault key that opens an SSE-C object, for a download that was refused for want of one: the one lookup the
   * details pane and moves use too (headObjectWithKeys). Undefined when no key fits or the object needs none.
   */
  async keyFor(client: CosClient, bucket: string, key: string, region?: string): Promise<Buffer | undefined> {
    const headed = await headObjectWithKeys(client, { bucket, key, region }, this.source());
    return headed.info ? headed.sseC?.key : undefined;
  }

  /** The key `id` as the page may see it; 'NoSuchSseCKey' when it has left the vault. */
  async get(id: string): Promise<SseCKeyView> {
    return view(await this.find(id));
  }

  private async find(id: string, open?: Vault): Promise<SseCustomerKeyView> {
    const vault = open ?? (await this.opts.vault.require());
    const found = vault.listSseCustomerKeys().find((k) => k.id === id);
    if (!found) throw new ServiceError('not-found', 'NoSuchSseCKey', 'That SSE-C key is no longer in the vault; Settings lists the keys it holds.');
    return found;
  }

  private async key(id: string): Promise<Buffer> {
    const vault = await this.opts.vault.require();
    await this.find(id, vault);
    return vault.getSseCustomerKey(id);
  }
}

/** The vault's "a key named … exists" in this area's own code, so the window can say it in its language. */
function nameTaken(name: string) {
  return (err: unknown): never => {
    if (isVaultError(err) && err.code === 'DUPLICATE') {
      throw new ServiceError('conflict', 'SseCKeyNameTaken', `There is already an SSE-C key named "${name.trim()}"; choose another name.`);
    }
    throw err;
  };
}

/** Whether a failed GET or HEAD was COS's "this object needs its SSE-C key" (400 without a key given). */
export function needsSseCKey(err: unknown): boolean {
  return err instanceof CosServiceError && err.status === 400 && ['BadRequest', 'InvalidRequest', 'SsecDecryptHeaderInvalid', 'InvalidArgument'].includes(err.code);
}
