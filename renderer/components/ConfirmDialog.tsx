// A question before something that cannot be undone or that weakens protection (delete, abort, upload without
// encryption). Esc and the cancel button keep things as they were.
import { Button, Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';

export interface ConfirmDialogProps {
  isOpen: boolean;
  title: string;
  body: string;
  confirmLabel: string;
  cancelLabel: string;
  destructive?: boolean;
  onConfirm(): void;
  onCancel(): void;
}

export function ConfirmDialog(p: ConfirmDialogProps) {
  return (
    <ModalOverlay className="modal-overlay" isOpen={p.isOpen} isDismissable onOpenChange={(open) => !open && p.onCancel()}>
      <Modal className="modal">
        <Dialog role="alertdialog" className="dialog">
          <Heading slot="title" className="dialog-title">
            {p.title}
          </Heading>
          <p>{p.body}</p>
          <div className="dialog-actions">
            <Button className="button" onPress={p.onCancel} autoFocus>
              {p.cancelLabel}
            </Button>
            <Button className={p.destructive ? 'button danger' : 'button primary'} onPress={p.onConfirm}>
              {p.confirmLabel}
            </Button>
          </div>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
