// Breadcrumb · Upload ▾ · encryption for uploads · New folder · Refresh · Search by name in this folder.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RefreshCw, Upload } from 'lucide-react';
import { Button, Input, Menu, MenuItem, MenuTrigger, Popover, SearchField } from 'react-aria-components';
import { NAME_FILTER_MAX } from '../../shared/contract';
import { filesFromInput } from '../lib/drop-files';
import { useConnections, useListing, useModel } from '../stores/model-context';
import { Breadcrumb } from './Breadcrumb';
import { EncryptionOptions } from './EncryptionOptions';
import { IconButton } from './IconButton';
import { NewFolderButton } from './NewFolderDialog';
import { SelectionActions } from './SelectionActions';
import { useUpload } from './use-upload';

const SEARCH_DELAY_MS = 250;

export function Toolbar({ uploadInputs }: { uploadInputs: UploadInputs }) {
  const { t } = useTranslation();
  const model = useModel();
  const location = useListing((s) => s.location);
  const filter = useListing((s) => s.filter);
  const [query, setQuery] = useState(filter);
  useEffect(() => setQuery(filter), [filter, location]);
  useEffect(() => {
    if (query === model.listing.getState().filter) return;
    const timer = setTimeout(() => void model.listing.getState().setFilter(query), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [query, model]);

  return (
    <div className="toolbar" role="toolbar" aria-label={t('toolbar.label')}>
      <Breadcrumb />
      <div className="toolbar-actions">
        <MenuTrigger>
          <Button className="button primary" isDisabled={!location}>
            <Upload className="icon" aria-hidden />
            {t('toolbar.upload')}
          </Button>
          <Popover className="popover">
            <Menu className="menu" onAction={(key) => uploadInputs.choose(key === 'folder' ? 'folder' : 'files')}>
              <MenuItem id="files" className="menu-item">
                {t('toolbar.uploadFiles')}
              </MenuItem>
              <MenuItem id="folder" className="menu-item">
                {t('toolbar.uploadFolder')}
              </MenuItem>
            </Menu>
          </Popover>
        </MenuTrigger>
        <EncryptionOptions />
        <NewFolderButton />
        <SelectionActions />
        <IconButton className="button" isDisabled={!location} onPress={() => void model.refresh()} label={t('toolbar.refresh')}>
          <RefreshCw className="icon" aria-hidden />
        </IconButton>
        <SearchField className="search" aria-label={t('toolbar.search')} value={query} onChange={setQuery} isDisabled={!location}>
          {/* No longer than the contract takes: a pasted page of text is cut, not refused with a technical sentence. */}
          <Input className="input" placeholder={t('toolbar.search')} maxLength={NAME_FILTER_MAX} />
        </SearchField>
      </div>
    </div>
  );
}

export interface UploadInputs {
  choose(kind: 'files' | 'folder'): void;
  elements: React.ReactNode;
}

/**
 * "Upload files…" and "Upload folder…": native dialogs where the app has them (the core reads the paths),
 * else the page's own file inputs (folder: webkitdirectory keeps the structure).
 */
export function useUploadInputs(): UploadInputs {
  const { t } = useTranslation();
  const nativeDialogs = useConnections((s) => s.info?.nativeDialogs ?? false);
  const { uploadFiles, uploadPicked } = useUpload();
  const filesRef = useRef<HTMLInputElement>(null);
  const folderRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    folderRef.current?.setAttribute('webkitdirectory', '');
  }, []);
  const onInput = (e: React.ChangeEvent<HTMLInputElement>) => {
    const files = filesFromInput(e.currentTarget.files);
    e.currentTarget.value = '';
    void uploadFiles(files);
  };
  return {
    choose(kind) {
      if (nativeDialogs) void uploadPicked(kind);
      else (kind === 'folder' ? folderRef : filesRef).current?.click();
    },
    elements: (
      <>
        <input ref={filesRef} type="file" multiple hidden aria-label={t('toolbar.uploadFiles')} data-testid="upload-files-input" onChange={onInput} />
        <input ref={folderRef} type="file" hidden aria-label={t('toolbar.uploadFolder')} data-testid="upload-folder-input" onChange={onInput} />
      </>
    ),
  };
}
