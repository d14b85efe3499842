// The Content-Type an upload is stored with, which decides what a browser does with a shared link: display a photo
// or a PDF, or download it. Guessed from the name the data is given (a file's own name, or the name a stream is
// given, i.e. its key) with the `mime` package's table (IANA types plus the common extensions), as `aws s3 cp` and
// COSCLI guess from the extension; a name it does not know stays application/octet-stream (the client's default).
// No `; charset=` is added to text types, as `aws s3 cp` does not: the bytes' encoding is not known here, and a
// wrong charset garbles a file a browser would otherwise have sniffed correctly.
import { MIMEType } from 'node:util';
import mime from 'mime';

/** The type for a file or key name, from its extension; undefined when the extension is unknown or absent. */
export function contentTypeFor(name: string): string | undefined {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  return mime.getType(base) ?? undefined;
}

/**
 * A media type given by the user (`image/jpeg`, `text/plain; charset=utf-8`), checked and written in its normal
 * form; undefined when it is not `type/subtype[; parameter=value…]`.
 */
export function parseContentType(value: string): string | undefined {
  try {
    return new MIMEType(value.trim()).toString();
  } catch {
    return undefined;
  }
}
