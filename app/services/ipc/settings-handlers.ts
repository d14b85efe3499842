// The handlers of shared/contract/channels-settings.ts; createHandlers (handlers.ts) merges them. Settings are the
// core's SettingsService (settings.json), SSE-C keys its SseCKeys (the vault). An export goes where only this side
// decides: the desktop app's Save dialog (the page never names a path), or a one-time attachment in browser mode.
import type { Handlers } from '../../../shared/contract';
import type { settingsChannels } from '../../../shared/contract/channels-settings';
import type { CofferCore } from '../core';
import { ServiceError } from '../errors';
import { exportFileName } from '../sse-c-keys';
import type { Session } from './handlers';

export function settingsHandlers(core: CofferCore, session: Session): Pick<Handlers, keyof typeof settingsChannels> {
  const keys = core.sseCKeys;
  return {
    'settings.get': async () => core.settings.load(),

    'settings.update': async ({ settings }) => {
      const enc = settings.defaultEncryption;
      if (enc?.mode === 'sse-c' && !(await keys.exists(enc.vaultKeyId))) {
        throw new ServiceError('not-found', 'NoSuchSseCKey', 'That SSE-C key is no longer in the vault; choose another key for the default encryption.');
      }
      const saved = await core.settings.update(settings);
      core.emitEvent({ type: 'settings.changed' });
      return { settings: saved };
    },

    'ssec.list': () => keys.list(),
    'ssec.generate': async ({ name, vaultPassphrase }) => ({ key: await keys.generate(name, vaultPassphrase) }),
    'ssec.import': async ({ name, key, vaultPassphrase }) => ({ key: await keys.import(name, key, vaultPassphrase) }),

    'ssec.export': async ({ id }) => {
      if (session.transport === 'browser') return { kind: 'attachment' as const, ...(await keys.exportAsAttachment(id)) };
      if (!session.dialogs) throw new ServiceError('unavailable', 'NotInThisWindow', 'This window cannot show a Save dialog, so the key cannot be exported here.');
      const { name } = await keys.get(id);
      const path = await session.dialogs.saveAs(exportFileName(name));
      if (path === null) return { kind: 'cancelled' as const };
      await keys.exportToFile(id, path);
      return { kind: 'saved' as const, path };
    },

    'ssec.usage': ({ id }) => keys.usage(id),
    'ssec.remove': async ({ id }) => ({ removed: id, ...(await keys.remove(id)) }),
  };
}
