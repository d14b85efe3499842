// The sentences of the error taxonomy that a window says in its user's language. Each has an id and named values:
// the core writes the English sentence as the error's `message` (what the CLI prints, and what any front end can
// show), and sends the id and values with it (`AppError.phrase`), so that the window can say it in Chinese too
// (renderer/i18n: `errors.phrase.<id>`; its English is this list, so the two cannot drift apart). A sentence with
// an optional part is two ids (`accessRefused`, `accessRefusedAt`): translations cannot leave words out.

export const ERROR_PHRASES = {
  nothingAt: 'Nothing was found at {{where}}: check the name; it may have been deleted or renamed.',
  noSuchBucket: 'The bucket {{where}} does not exist; check its name, or pick another bucket.',
  noSuchUpload: 'The unfinished upload no longer exists on the server; start it again.',
  noSuchUploadOf: 'The unfinished upload of {{where}} no longer exists on the server; start it again.',
  accessRefused: 'Access was refused ({{code}}): check the SecretId and SecretKey of this connection, and that they may access this bucket.',
  accessRefusedAt: 'Access was refused for {{where}} ({{code}}): check the SecretId and SecretKey of this connection, and that they may access this bucket.',
  clockSkew: "Access was refused ({{code}}): this computer's clock is too far off; set it to the right time and try again.",
  clockSkewAt: "Access was refused for {{where}} ({{code}}): this computer's clock is too far off; set it to the right time and try again.",
  bucketExists: 'A bucket named {{bucket}} already exists; choose another name.',
  bucketNotEmpty: 'The bucket {{where}} is not empty; delete its objects first.',
  changedMeanwhile: '{{where}} changed on the server meanwhile; refresh and try again.',
  objectChangedMeanwhile: 'The object changed on the server meanwhile; refresh and try again.',
  notOffered: 'The server does not offer this operation.',
  notOfferedAt: 'The server does not offer this operation for {{where}}.',
  sseRegion: 'Server-side encryption is not offered in {{region}} (only {{regions}}). Upload without encryption, or use a bucket in one of those regions.',
  cancelled: 'It was cancelled.',
  certificate:
    "The storage service's HTTPS certificate is not one this computer or this account trusts ({{code}}). If it is your own store and it made a new certificate, edit the account and trust the new one after comparing its fingerprint with the one the store printed; otherwise check the account's address.",
  network: "Coffer could not reach the storage service ({{code}}); check the connection's endpoint and the network, and try again.",
  fileMissing: '{{path}} does not exist (any more); check the file or folder.',
  fileAccess: 'Coffer may not read or write {{path}}; check its permissions.',
  diskFull: 'The disk holding {{path}} is full; free some space and try again.',
  badFolderName: '"{{name}}" cannot be a folder name: use a name without "/" or "\\", other than "." and "..".',
  destinationExists: '{{name}} already exists in {{folder}}; choose whether to replace it or keep both.',
  destinationExistsAtTop: '{{name}} already exists at the top of the bucket; choose whether to replace it or keep both.',
  vaultLocked: 'The vault is locked: unlock Coffer with its passphrase to use your COS accounts.',
  previewTooLarge: '{{name}} is too large to preview ({{size}}; previews show files up to {{max}}). Download it to open it.',
  uploadClosed: 'This upload takes no more files (it finished, was cancelled, or was started by another window); drop the files that are missing again.',
  shuttingDown: 'Coffer is quitting; start it again to begin new transfers.',
} as const;

export type ErrorPhraseId = keyof typeof ERROR_PHRASES;
export const ERROR_PHRASE_IDS = Object.keys(ERROR_PHRASES) as [ErrorPhraseId, ...ErrorPhraseId[]];

/** A phrase said in English, with the id and values a window needs to say it in its own language. */
export function sayPhrase(id: ErrorPhraseId, values: Record<string, string>): { message: string; phrase: { id: ErrorPhraseId; values: Record<string, string> } } {
  return { message: fillPhrase(ERROR_PHRASES[id], values), phrase: { id, values } };
}

/** A template with its `{{name}}` values put in (the interpolation i18next does in the window). */
export function fillPhrase(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (all, name: string) => values[name] ?? all);
}
