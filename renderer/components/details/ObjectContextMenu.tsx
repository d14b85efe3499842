// The right-click menu of the table's rows (also the keyboard's Menu key or Shift+F10 on a focused row): the same
// actions as the toolbar and the details pane, for the row under the pointer or the whole selection when the row
// is part of it. Focus goes back to the row when the menu closes.
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Download, FolderInput, FolderOpen, Info, Link, Lock, Pencil, Trash2, type LucideIcon } from 'lucide-react';
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
          {one?.endsWith('/') && <Item id="open" icon={FolderOpen} label={t('details.menu.open')} />}
          {one && !one.endsWith('/') && <Item id="details" icon={Info} label={t('details.menu.details')} />}
          <Item id="download" icon={Download} label={t('details.download')} />
          {one && !one.endsWith('/') && <Item id="share" icon={Link} label={t('details.menu.share')} />}
          <Separator className="menu-separator" />
          {one && <Item id="rename" icon={Pencil} label={t('details.menu.rename')} />}
          <Item id="move" icon={FolderInput} label={t('details.menu.move')} />
          <Item id="encrypt" icon={Lock} label={t('details.encryptAll')} />
          <Separator className="menu-separator" />
          <MenuItem id="delete" className="menu-item danger" textValue={t('details.menu.delete')}>
            <Trash2 className="icon" aria-hidden /> {t('details.menu.delete')}
            <Keyboard className="shortcut">{t('details.menu.deleteKey')}</Keyboard>
          </MenuItem>
        </Menu>
      </Popover>
    </>
  );
}

/** One action of the menu: its icon and its words (which are also what typing a letter finds). */
function Item({ id, icon: Icon, label }: { id: Action; icon: LucideIcon; label: string }) {
  return (
    <MenuItem id={id} className="menu-item" textValue={label}>
      <Icon className="icon" aria-hidden /> {label}
    </MenuItem>
  );
}
