// The gear at the foot of the sidebar: opens Settings as a dialog over the window (Esc closes it, focus returns to
// the gear). The settings are read again each time it opens, so a change made in another window shows.
import { useTranslation } from 'react-i18next';
import { Settings as Gear, X } from 'lucide-react';
import { Button, Dialog, DialogTrigger, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { useModel } from '../../stores/model-context';
import { IconButton } from '../IconButton';
import { SettingsView } from './SettingsView';
import './settings.css';

export function SettingsButton() {
  const { t } = useTranslation();
  const model = useModel();
  return (
    <DialogTrigger
      onOpenChange={(open) => {
        if (!open) return;
        void model.settings.getState().load();
        void model.sseCKeys.getState().load();
      }}
    >
      <Button className="button quiet settings-gear">
        <Gear className="icon" aria-hidden />
        {t('settings.title')}
      </Button>
      <ModalOverlay className="modal-overlay" isDismissable>
        <Modal className="modal settings-modal">
          <Dialog className="dialog settings-dialog">
            {({ close }) => (
              <>
                <div className="settings-head">
                  <Heading slot="title" className="dialog-title">
                    {t('settings.title')}
                  </Heading>
                  <IconButton className="button quiet" label={t('common.close')} onPress={close}>
                    <X className="icon" aria-hidden />
                  </IconButton>
                </div>
                <SettingsView />
              </>
            )}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}
