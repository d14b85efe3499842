// "report.pdf already exists": what to do with names that are taken at the destination — replace them, keep both
// (the moved or uploaded one gets "report (2).pdf"), skip them (several items), or cancel and change nothing.
import { useTranslation } from 'react-i18next';
import { Button, Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';
import type { ConflictChoice } from '../../../shared/contract/channels-details';
import { numberedName } from '../../lib/upload-conflicts';
import { useModel } from '../../stores/model-context';
import { detailsStore, type DetailsDialog } from './details-store';

export function ConflictDialog({ dialog }: { dialog: Extract<DetailsDialog, { kind: 'conflict' }> }) {
  const { t } = useTranslation();
  const model = useModel();
  const answer = (choice: ConflictChoice | null) => {
    detailsStore(model).getState().openDialog(null);
    dialog.resolve(choice);
  };
  const one = dialog.count === 1;
  const shown = dialog.names.slice(0, 5);
  return (
    <ModalOverlay className="modal-overlay" isOpen isDismissable onOpenChange={(open) => !open && answer(null)}>
      <Modal className="modal">
        <Dialog role="alertdialog" className="dialog">
          <Heading slot="title" className="dialog-title">
            {one ? t('details.conflict.titleOne', { name: dialog.names[0] }) : t('details.conflict.title', { count: dialog.count })}
          </Heading>
          {!one && (
            <ul className="conflict-names">
              {shown.map((n, i) => (
                <li key={`${n}-${i}`}>{n}</li>
              ))}
              {dialog.count > shown.length && <li>{t('details.conflict.more', { count: dialog.count - shown.length })}</li>}
            </ul>
          )}
          <p>{t(dialog.upload ? 'details.conflict.bodyUpload' : 'details.conflict.body', { example: numberedName(dialog.names[0] ?? '') })}</p>
          <div className="dialog-actions wrap">
            <Button className="button" onPress={() => answer(null)} autoFocus>
              {t('common.cancel')}
            </Button>
            {!dialog.single && (
              <Button className="button" onPress={() => answer('skip')}>
                {t('details.conflict.skip')}
              </Button>
            )}
            <Button className="button" onPress={() => answer('keep-both')}>
              {t('details.conflict.keepBoth')}
            </Button>
            <Button className="button danger" onPress={() => answer('replace')}>
              {t('details.conflict.replace')}
            </Button>
          </div>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}

