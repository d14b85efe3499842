// "Add COS account" as a user meets it: every field checked as it is typed, with a sentence in the user's language,
// nothing sent until the form is right; the passphrase asked for only where the vault needs one; each refusal of the
// keys said in its own sentence with the dialog left open; and, once added, the account in the sidebar.
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { failWith } from '../../test-support/memory-accounts';
import { renderApp } from '../../test-support/render-app';

const KEY = 'Zk3PqW8xR2mN5tY7vB1cD4fG6hJ9kL0s';
const ID = 'AKIDq1w2e3r4t5y6u7i8o9p0a1s2d3f43f9c';

async function openAdd(app: Awaited<ReturnType<typeof renderApp>>) {
  await app.user.click(await screen.findByRole('button', { name: 'Add COS account' }));
  return screen.findByRole('dialog', { name: 'Add COS account' });
}

const box = (dialog: HTMLElement, name: string) => within(dialog).getByLabelText(name, { exact: false, selector: 'input' });

describe('Add COS account', () => {
  it('checks each field as it is typed and sends nothing until the form is right', async () => {
    const app = await renderApp();
    const dialog = await openAdd(app);
    await app.user.click(within(dialog).getByRole('button', { name: 'Add account' }));
    for (const sentence of ['Give the account a name.', 'Type or paste the SecretId.', 'Type or paste the SecretKey.', 'Use at least 8 characters.']) {
      expect(within(dialog).getByText(sentence)).toBeTruthy();
    }
    expect(app.bridge.callsOf('accounts.add')).toHaveLength(0);

    await app.user.type(box(dialog, 'SecretKey'), 'short');
    expect(within(dialog).getByText('A SecretKey is 8 to 256 letters and digits, without spaces.')).toBeTruthy();
    // A pasted key loses the spaces and line breaks that came with it.
    await app.user.click(box(dialog, 'SecretId'));
    await app.user.paste(` ${ID}\n`);
    expect((box(dialog, 'SecretId') as HTMLInputElement).value).toBe(ID);

    await app.user.click(within(dialog).getByRole('radio', { name: 'A Coffer store at an address' }));
    await app.user.type(box(dialog, 'Store address'), 'http://192.168.1.5:9000');
    expect(within(dialog).getByText('Use https:// for a store on another computer: plain http:// would send your files unprotected.')).toBeTruthy();
    await app.user.clear(box(dialog, 'Store address'));
    await app.user.type(box(dialog, 'Store address'), 'http://127.0.0.1:9000');
    expect(within(dialog).queryByText(/Use https:\/\//)).toBeNull();

    await app.user.type(box(dialog, 'Vault passphrase'), 'long enough');
    await app.user.type(box(dialog, 'The passphrase again'), 'long enougH');
    expect(within(dialog).getByText('The two passphrases are not the same.')).toBeTruthy();
    expect(app.bridge.callsOf('accounts.add')).toHaveLength(0);
  });

  it('says a wrong SecretKey in its own sentence and keeps the dialog open; a right one adds the account', async () => {
    let attempts = 0;
    const app = await renderApp({
      handlers: {
        'accounts.add': (r) => {
          if (++attempts === 1) failWith('access', 'AccountSecretKeyWrong', 'The store refused the SecretKey.', { code: 'SignatureDoesNotMatch' });
          return { account: { id: 'profile:1', name: r.name, kind: r.kind, region: r.region, appId: '1250000000', endpoint: null, secretIdMasked: 'AKID****3f9c', hasSessionToken: false, certificateSha256: null } };
        },
      },
    });
    const dialog = await openAdd(app);
    await app.user.type(box(dialog, 'Name'), ' Work ');
    await app.user.type(box(dialog, 'SecretId'), ID);
    await app.user.type(box(dialog, 'SecretKey'), KEY);
    await app.user.type(box(dialog, 'Vault passphrase'), 'correct horse');
    await app.user.type(box(dialog, 'The passphrase again'), 'correct horse');
    await app.user.click(within(dialog).getByRole('button', { name: 'Add account' }));
    expect(await within(dialog).findByText('The SecretKey is wrong: it does not belong to this SecretId. Copy it again (all of it) and try again.')).toBeTruthy();
    expect(within(dialog).getByText('SignatureDoesNotMatch')).toBeTruthy();

    const listsBefore = app.bridge.callsOf('connections.list').length;
    await app.user.click(within(dialog).getByRole('button', { name: 'Add account' }));
    await expect.poll(() => screen.queryByRole('dialog', { name: 'Add COS account' })).toBeNull();
    expect(app.bridge.callsOf('accounts.add')[1]).toEqual({
      name: 'Work',
      kind: 'cos',
      region: 'ap-guangzhou',
      credentials: { secretId: ID, secretKey: KEY },
      vaultPassphrase: 'correct horse',
    });
    expect(app.bridge.callsOf('connections.list').length).toBeGreaterThan(listsBefore);
  });

  it('asks for no passphrase where the OS keychain keeps the vault, and shows what a test found', async () => {
    const app = await renderApp({
      handlers: {
        'vault.protection': () => ({ state: 'absent', protector: null, forNewVault: 'keychain' }),
        'accounts.test': () => ({ appId: '1250000000', buckets: 3, clockOffsetSeconds: -7260 }),
      },
    });
    const dialog = await openAdd(app);
    expect(await within(dialog).findByText('Your keys will be kept encrypted, protected by the OS keychain.')).toBeTruthy();
    expect(within(dialog).queryByLabelText('Vault passphrase', { exact: false })).toBeNull();
    await app.user.type(box(dialog, 'SecretId'), ID);
    await app.user.type(box(dialog, 'SecretKey'), KEY);
    await app.user.click(within(dialog).getByRole('button', { name: 'Test connection' }));
    expect(await within(dialog).findByText('Connected: 3 buckets found (APPID 1250000000).')).toBeTruthy();
    expect(within(dialog).getByText(/clock is about 121 minutes off/)).toBeTruthy();
    expect(app.bridge.callsOf('accounts.test')).toEqual([{ kind: 'cos', region: 'ap-guangzhou', credentials: { secretId: ID, secretKey: KEY } }]);
    expect(app.bridge.callsOf('accounts.add')).toHaveLength(0);
  });

  it('shows the fingerprint of a store certificate no authority signed, and trusts it only when the user ticks the box', async () => {
    const FP = Array.from({ length: 32 }, (_, i) => (i * 7 + 16).toString(16).toUpperCase().padStart(2, '0').slice(-2)).join(':');
    const app = await renderApp({
      handlers: {
        'vault.protection': () => ({ state: 'absent', protector: null, forNewVault: 'keychain' }),
        'accounts.test': (r) =>
          r.trustCertificateSha256 === FP
            ? { appId: '1250000000', buckets: 1, clockOffsetSeconds: 0 }
            : failWith('access', 'AccountCertificate', 'not trusted', { code: 'DEPTH_ZERO_SELF_SIGNED_CERT', certificateSha256: FP }),
      },
    });
    const dialog = await openAdd(app);
    await app.user.click(within(dialog).getByRole('radio', { name: 'A Coffer store at an address' }));
    await app.user.type(box(dialog, 'Name'), 'Lab');
    await app.user.type(box(dialog, 'Store address'), 'https://store.lab.example:9000');
    await app.user.type(box(dialog, 'SecretId'), ID);
    await app.user.type(box(dialog, 'SecretKey'), KEY);
    await app.user.click(within(dialog).getByRole('button', { name: 'Test connection' }));
    expect(await within(dialog).findByText(/not signed by an authority this computer trusts\. Check the address/)).toBeTruthy();
    expect(within(dialog).getByText(FP)).toBeTruthy();
    const trust = within(dialog).getByRole('checkbox', { name: 'Trust this certificate for this account' });
    expect((trust as HTMLInputElement).checked).toBe(false);
    // Nothing trusted until the box is ticked: the first test went without a fingerprint.
    expect(app.bridge.callsOf('accounts.test')[0]).not.toHaveProperty('trustCertificateSha256');

    await app.user.click(trust);
    await app.user.click(within(dialog).getByRole('button', { name: 'Test connection' }));
    expect(await within(dialog).findByText('Connected: 1 bucket found (APPID 1250000000).')).toBeTruthy();
    expect(app.bridge.callsOf('accounts.test')[1]).toMatchObject({ kind: 'store', endpoint: 'https://store.lab.example:9000', trustCertificateSha256: FP });
    expect(within(dialog).getByText(`This account trusts the store's certificate with SHA-256 fingerprint ${FP}.`)).toBeTruthy();

    // Another address: the trust goes with the old one.
    await app.user.type(box(dialog, 'Store address'), '1');
    expect(within(dialog).queryByText(/This account trusts/)).toBeNull();
  });

  it('speaks 简体中文, refusals included', async () => {
    const app = await renderApp({ language: 'zh-CN', handlers: { 'accounts.test': () => failWith('access', 'AccountSecretIdUnknown', 'unknown id') } });
    await app.user.click(await screen.findByRole('button', { name: '添加 COS 账号' }));
    const dialog = await screen.findByRole('dialog', { name: '添加 COS 账号' });
    await app.user.type(box(dialog, 'SecretId'), 'AKID1');
    expect(within(dialog).getByText('SecretId 由 8 到 128 个字母和数字组成，不含空格。')).toBeTruthy();
    await app.user.clear(box(dialog, 'SecretId'));
    await app.user.type(box(dialog, 'SecretId'), ID);
    await app.user.type(box(dialog, 'SecretKey'), KEY);
    await app.user.click(within(dialog).getByRole('button', { name: '测试连接' }));
    expect(await within(dialog).findByText(/服务不认识此 SecretId/)).toBeTruthy();
  });
});

describe('an account in the sidebar', () => {
  const work = { id: 'profile:7', label: 'Work', kind: 'cos' as const, appId: '1250000000', state: 'ready' as const };

  it('is renamed, edited with its SecretId masked, and removed only after asking', async () => {
    const accounts = [{ id: 'profile:7', name: 'Work', kind: 'cos' as const, region: 'ap-shanghai', appId: '1250000000', endpoint: null, secretIdMasked: 'AKID****3f9c', hasSessionToken: false, certificateSha256: null }];
    const app = await renderApp({
      handlers: {
        'connections.list': () => ({ connections: [{ id: 'local', label: '', kind: 'embedded', appId: '1250000000', state: 'ready' }, work] }),
        'accounts.list': () => ({ accounts }),
      },
    });
    const menu = await screen.findByRole('button', { name: 'Actions for Work' });
    await app.user.click(menu);
    await app.user.click(await screen.findByRole('menuitem', { name: 'Edit…' }));
    const edit = await screen.findByRole('dialog', { name: 'Edit account' });
    expect(within(edit).getByText('SecretId: AKID****3f9c')).toBeTruthy();
    expect(within(edit).queryByLabelText('SecretKey', { exact: false })).toBeNull();
    await app.user.click(within(edit).getByRole('button', { name: 'Change keys…' }));
    await app.user.type(box(edit, 'SecretKey'), KEY);
    await app.user.click(within(edit).getByRole('button', { name: 'Save' }));
    expect(within(edit).getByText('Type or paste the SecretId.')).toBeTruthy();
    expect(app.bridge.callsOf('accounts.update')).toHaveLength(0);
    await app.user.click(within(edit).getByRole('button', { name: 'Cancel' }));

    await app.user.click(menu);
    await app.user.click(await screen.findByRole('menuitem', { name: 'Remove…' }));
    const ask = await screen.findByRole('alertdialog', { name: 'Remove the account “Work”?' });
    expect(within(ask).getByText('Coffer forgets this account and its keys. Its buckets and files stay on the service.')).toBeTruthy();
    await app.user.click(within(ask).getByRole('button', { name: 'Cancel' }));
    expect(app.bridge.callsOf('accounts.remove')).toHaveLength(0);
    await app.user.click(menu);
    await app.user.click(await screen.findByRole('menuitem', { name: 'Remove…' }));
    await app.user.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Remove account' }));
    await expect.poll(() => app.bridge.callsOf('accounts.remove')).toEqual([{ accountId: 'profile:7' }]);
  });
});
