// Public surface of the transfer engine (uploads; downloads and encrypt-in-place export from their own modules).
export * from './upload';
export * from './transfer-events';
export { JournalStore, type UploadJournal } from './journal';
