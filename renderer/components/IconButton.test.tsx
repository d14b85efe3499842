// Buttons that show only an icon name themselves in a tooltip, on hover and on keyboard focus.
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { BUCKET, job, object } from '../test-support/memory-bridge';
import { renderApp } from '../test-support/render-app';

describe('icon-only buttons', () => {
  it('say what they do in a tooltip: Refresh on hover, Pause on keyboard focus', async () => {
    const running = job({ id: 'job-run', subject: 'film.mov' });
    const { user } = await renderApp({ objects: { [BUCKET]: [object('a.txt')] }, handlers: { 'jobs.list': () => ({ jobs: [running] }) } });
    await user.click(await screen.findByText('a.txt')); // a mouse user: the pointer has been used
    await user.hover(screen.getByRole('button', { name: 'Refresh' }));
    expect((await screen.findByRole('tooltip', {}, { timeout: 3000 })).textContent).toBe('Refresh');
    await user.unhover(screen.getByRole('button', { name: 'Refresh' }));

    const item = screen.getByRole('listitem', { name: 'Uploading “film.mov” to photos' });
    await user.keyboard('{Tab}');
    within(item).getByRole('button', { name: 'Pause' }).focus();
    await user.keyboard('{Shift>}{Tab}{/Shift}{Tab}');
    expect((await screen.findByRole('tooltip', {}, { timeout: 3000 })).textContent).toBe('Pause');
  });

  it('say it on hover while disabled too (no tooltip can open then): the browser shows their title', async () => {
    await renderApp({ objects: { [BUCKET]: [object('a.txt')] } });
    await screen.findByText('a.txt');
    // Nothing is selected: Move, Encrypt and Delete are disabled.
    for (const name of ['Move', 'Delete']) {
      const button = screen.getByRole('button', { name: new RegExp(`^${name}`) });
      expect(button.hasAttribute('disabled')).toBe(true);
      expect(button.getAttribute('title')).toBe(button.getAttribute('aria-label'));
    }
  });
});
