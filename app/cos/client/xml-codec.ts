// XML in and out of COS. Parsing keeps every value a string (a key "0012" must not become 12) and lets the
// callers say which elements repeat, because a list with one entry otherwise parses as a bare object.
//
// Responses are read with htmlparser2's XML mode: a tokenizer that builds nothing itself, so the tree below is
// the only thing made. A listing page of 1,000 objects (280 KB) took fast-xml-parser 36-49 ms; it takes this
// 10-14 ms, and a front end lists 100 such pages to show a prefix of 100,000 objects (in Electron, on the main
// process). It is lenient, as a client should be with what a server sends: an HTML error page from a proxy
// still parses, and its Code and Message are just missing. (The embedded store, a server, validates what it is
// sent with fast-xml-parser; request bodies are still built with its builder here.)
//
// Both packages are loaded when a response first has XML to read (or a request XML to send): a small upload
// (HEAD Bucket, one PUT, both answered without a body) never needs them, and loading is ~10 ms of every start.
import { createHash } from 'node:crypto';
import type { XMLBuilder } from 'fast-xml-parser';
import type { Parser } from 'htmlparser2';

/** Elements that can repeat in any COS response this client reads. */
export const REPEATED = new Set(['Contents', 'CommonPrefixes', 'Part', 'Upload', 'Bucket', 'Deleted', 'Error', 'Rule', 'Grant']);

let parserModule: Promise<typeof Parser> | undefined;
let builder: Promise<XMLBuilder> | undefined;

export type XmlNode = Record<string, unknown>;

/** An element being read: its children so far, its text, and whether it had any child element. */
interface Open {
  name: string;
  /** Inside a COS error document, where <Error> is the root and never a list. */
  inError: boolean;
  node: XmlNode;
  text: string;
  hasChildren: boolean;
}

/**
 * Parses a COS XML body into plain objects: an element with child elements is an object of them, one without is
 * its trimmed text ('' when empty; keys are asked for with encoding-type=url, so trimming cannot eat a key's own
 * spaces); a name seen twice, or named in REPEATED, is an array; attributes, namespace
 * prefixes, the declaration and comments are dropped. Returns `{}` for an empty body (COS answers several PUTs
 * with nothing).
 */
export async function parseXml(text: string): Promise<XmlNode> {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  const XmlParser = await (parserModule ??= import('htmlparser2').then((m) => m.Parser));
  const root: Open = { name: '', inError: false, node: {}, text: '', hasChildren: false };
  const stack: Open[] = [root];
  const parser = new XmlParser(
    {
      onopentag(tag) {
        const parent = stack[stack.length - 1]!;
        parent.hasChildren = true;
        const name = tag.slice(tag.indexOf(':') + 1);
        stack.push({ name, inError: parent.inError || (parent === root && name === 'Error'), node: {}, text: '', hasChildren: false });
      },
      ontext(t) {
        stack[stack.length - 1]!.text += t;
      },
      onclosetag() {
        const el = stack.pop()!;
        const parent = stack[stack.length - 1]!;
        const value = el.text.trim();
        if (el.hasChildren && value !== '') el.node['#text'] = value;
        add(parent.node, el.name, el.hasChildren ? el.node : value, REPEATED.has(el.name) && !el.inError);
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.end(trimmed);
  return root.node;
}

function add(parent: XmlNode, name: string, value: unknown, repeated: boolean): void {
  // No COS element is called that; assigning it would replace the object's prototype.
  if (name === '__proto__') return;
  if (!Object.hasOwn(parent, name)) parent[name] = repeated ? [value] : value;
  else {
    const had = parent[name];
    // Values are strings and objects: an array here is one this function made.
    if (Array.isArray(had)) had.push(value);
    else parent[name] = [had, value];
  }
}

/** Serialises `{ Root: {...} }` without a declaration, minified, as the Node SDK sends request bodies. */
export async function buildXml(doc: XmlNode): Promise<string> {
  const b = await (builder ??= import('fast-xml-parser').then(({ XMLBuilder }) => new XMLBuilder({ ignoreAttributes: true, format: false, suppressEmptyNode: false, processEntities: true })));
  return b.build(doc) as string;
}

/** An XML request body with the headers COS expects beside it (Content-Type and a Content-MD5 of the bytes). */
export async function xmlRequest(doc: XmlNode): Promise<{ headers: Record<string, string>; body: { kind: 'buffer'; data: Buffer } }> {
  const data = Buffer.from(await buildXml(doc), 'utf8');
  return {
    headers: { 'content-type': 'application/xml', 'content-md5': createHash('md5').update(data).digest('base64') },
    body: { kind: 'buffer', data },
  };
}

export function str(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'object' && '#text' in (v as XmlNode)) return str((v as XmlNode)['#text']);
  // An empty element (`<Prefix/>`) parses as ''; anything else structured has no text form.
  return '';
}

export function num(v: unknown): number {
  const s = str(v);
  return s === undefined || s === '' ? 0 : Number(s);
}

export function bool(v: unknown): boolean {
  return str(v)?.toLowerCase() === 'true';
}

export function node(v: unknown): XmlNode {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as XmlNode) : {};
}

export function list(v: unknown): XmlNode[] {
  if (v === undefined || v === null || v === '') return [];
  return (Array.isArray(v) ? v : [v]).map(node);
}

/** Decodes an `encoding-type=url` value; an undecodable one is returned as sent rather than lost. */
export function urlDecoded(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}
