// Settings → Security: which protector keeps the vault, said in words; no vault before the first account; and a
// passphrase changed only with the current one and the new one typed twice.
import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import type { Handlers } from '../../../shared/contract';
import { createI18n } from '../../i18n/i18n';
import { createAppModel } from '../../stores/app-model';
import { ModelProvider } from '../../stores/model-context';
import { failWith } from '../../test-support/memory-accounts';
import { createMemoryBridge } from '../../test-support/memory-bridge';
import { VaultProtectionSection } from './VaultProtectionSection';

async function renderSection(handlers: Partial<Handlers>) {
  const bridge = createMemoryBridge({ handlers });
  const model = createAppModel(bridge, (f) => f());
  const i18n = await createI18n('en');
  await act(async () => {
    render(
      <I18nextProvider i18n={i18n}>
        <ModelProvider model={model}>
          <VaultProtectionSection />
        </ModelProvider>
      </I18nextProvider>,
    );
  });
  return { bridge, user: userEvent.setup() };
}

describe('VaultProtectionSection', () => {
  it('says there is no vault before the first account', async () => {
    await renderSection({});
    expect(await screen.findByText('No vault yet: it is created when you add a COS account, to keep its keys encrypted.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Change passphrase…' })).toBeNull();
  });

  it('names the OS keychain, with no passphrase to change', async () => {
    await renderSection({ 'vault.protection': () => ({ state: 'unlocked', protector: 'keychain', forNewVault: 'keychain' }) });
    expect(await screen.findByText('Your COS keys are kept encrypted, protected by the OS keychain.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Change passphrase…' })).toBeNull();
  });

  it('changes a passphrase only with the current one right and the new one typed twice', async () => {
    let tries = 0;
    const { bridge, user } = await renderSection({
      'vault.protection': () => ({ state: 'unlocked', protector: 'passphrase', forNewVault: 'passphrase' }),
      'vault.changePassphrase': () => {
        if (++tries === 1) failWith('access', 'CurrentPassphraseWrong', 'wrong');
        return { state: 'unlocked', protector: 'passphrase', forNewVault: 'passphrase' };
      },
    });
    expect(await screen.findByText('Your COS keys are kept encrypted, protected by your passphrase.')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Change passphrase…' }));
    await user.type(screen.getByLabelText('Current passphrase', { selector: 'input' }), 'not it');
    await user.type(screen.getByLabelText('New passphrase', { selector: 'input' }), 'a better one');
    await user.type(screen.getByLabelText('The new passphrase again', { selector: 'input' }), 'a better on');
    expect(screen.getByText('The two passphrases are not the same.')).toBeTruthy();
    const save = screen.getByRole('button', { name: 'Change passphrase' });
    expect(save.hasAttribute('disabled')).toBe(true);
    await user.type(screen.getByLabelText('The new passphrase again', { selector: 'input' }), 'e');
    await user.click(save);
    expect(await screen.findByText('The current passphrase is not right; nothing was changed. Type it again.')).toBeTruthy();
    await user.type(screen.getByLabelText('Current passphrase', { selector: 'input' }), 'the right one');
    await user.click(save);
    expect(await screen.findByText('The passphrase was changed. Use the new one from now on.')).toBeTruthy();
    expect(bridge.callsOf('vault.changePassphrase')).toEqual([
      { current: 'not it', next: 'a better one' },
      { current: 'the right one', next: 'a better one' },
    ]);
  });
});
