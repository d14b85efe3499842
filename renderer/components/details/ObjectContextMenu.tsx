// The right-click menu of the table's rows (also the keyboard's Menu key or Shift+F10 on a focused row): the same
// actions as the toolbar and the details pane, for the row under the pointer or the whole selection when the row
// is part of it. Focus goes back to the row when the menu closes.
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Download, FolderInput, FolderOpen, Info, Link, Lock, Pencil, Trash2 } from 'lucide-react';
import { Keyboard, Menu, MenuItem, Popover, Separator } from 'react-aria-components';
import { useListing, useModel } from '../../stores/model-context';
import { detailsStore, nameOfKey, useDetails } from './details-store';
import type { ObjectActions } from './use-object-actions';

type Action = 'open' | 'details' | 'download' | 'share' | 'rename' | 'move' | 'encrypt' | 'delete';

export function ObjectContextMenu({ actions }: { actions: ObjectActions }) {
  const { t } = useTranslation();
  const model = useModel();
  const menu = useDetails((s) => s.menu);
  const location = useListing((s) => s.location);
  const anchor = useRef<HTMLDivElement>(null);
  if (!menu || !location) return <div ref={anchor} className="menu-anchor" />;

  const keys = menu.keys;
  const one = keys.length === 1 ? keys[0]! : null;
  const files = keys.filter((k) => !k.endsWith('/'));
  const close = () => {
    detailsStore(model).getState().openMenu(null);
    menu.returnFocus?.focus();
  };
  const run = (action: Action) => {
    const details = detailsStore(model).getState();
    switch (action) {
      case 'open':
        if (one) void model.listing.getState().open({ ...location, prefix: one });
        break;
      case 'details':
        details.setPaneOpen(true);
        break;
      case 'share':
        details.requestShare();
        break;
      case 'download':
        void actions.download(keys);
        break;
      case 'rename':
        if (one) actions.rename(one);
        break;
      case 'move':
        actions.move(keys);
        break;
      case 'encrypt':
        void actions.encrypt(keys);
        break;
      case 'delete':
        actions.remove(keys);
        break;
    }
  };

  return (
    <>
      <div ref={anchor} className="menu-anchor" style={{ left: menu.x, top: menu.y }} />
      <Popover className="popover" triggerRef={anchor} isOpen placement="bottom start" offset={2} onOpenChange={(open) => !open && close()}>
        <Menu
          className="menu"
          aria-label={one ? t('details.menu.labelOne', { name: nameOfKey(one) }) : t('details.menu.label', { count: keys.length })}
          autoFocus="first"
          onAction={(key) => {
            close();
            run(key as Action);
          }}
        >
          {one?.endsWith('/') && (
            <MenuItem id="open" className="menu-item" textValue={t('details.menu.open')}>
              <FolderOpen className="icon" aria-hidden /> {t('details.menu.open')}
            </MenuItem>
          )}
          {one && !one.endsWith('/') && (
            <MenuItem id="details" className="menu-item" textValue={t('details.menu.details')}>
              <Info className="icon" aria-hidden /> {t('details.menu.details')}
            </MenuItem>
          )}
          <MenuItem id="download" className="menu-item" textValue={t('details.download')}>
            <Download className="icon" aria-hidden /> {t('details.download')}
          </MenuItem>
          {one && !one.endsWith('/') && (
            <MenuItem id="share" className="menu-item" textValue={t('details.menu.share')}>
              <Link className="icon" aria-hidden /> {t('details.menu.share')}
            </MenuItem>
          )}
          <Separator className="menu-separator" />
          {one && (
            <MenuItem id="rename" className="menu-item" textValue={t('details.menu.rename')}>
              <Pencil className="icon" aria-hidden /> {t('details.menu.rename')}
            </MenuItem>
          )}
          <MenuItem id="move" className="menu-item" textValue={t('details.menu.move')}>
            <FolderInput className="icon" aria-hidden /> {t('details.menu.move')}
          </MenuItem>
          <MenuItem id="encrypt" className="menu-item" textValue={t('details.encryptAll')}>
            <Lock className="icon" aria-hidden /> {t('details.encryptAll')}
          </MenuItem>
          {files.length > 0 && (
            <>
              <Separator className="menu-separator" />
              <MenuItem id="delete" className="menu-item danger" textValue={t('details.menu.delete')}>
                <Trash2 className="icon" aria-hidden /> {t('details.menu.delete')}
                <Keyboard className="shortcut">{t('details.menu.deleteKey')}</Keyboard>
              </MenuItem>
            </>
          )}
        </Menu>
      </Popover>
    </>
  );
}
