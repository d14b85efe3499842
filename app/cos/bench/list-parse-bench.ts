// `npm run bench:list-parse`: reading COS listing pages, as a front end does to show a prefix (100 pages of 1,000
// objects for 100,000; in Electron on the main process). The client's parser (htmlparser2's XML mode building
// the tree itself) against fast-xml-parser (the store's validating parser, which the client used before) set up
// as the client had it, on the same pages, taking turns within each round; best of --runs rounds.
//                                                                             target: the client ≥ 2× as fast
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { XMLParser } from 'fast-xml-parser';
import { readBenchOptions, wholeNumberOption } from '../../platform/bench-options';
import { parseXml, REPEATED } from '../client/xml-codec';

const { RUNS, PAGES } = readBenchOptions('bench:list-parse', () => {
  const { values } = parseArgs({ options: { runs: { type: 'string' }, pages: { type: 'string' } } });
  return { RUNS: wholeNumberOption('runs', values.runs, 5), PAGES: wholeNumberOption('pages', values.pages, 20) };
});

/** A ListBucketResult page of 1,000 objects as COS sends it (encoding-type=url, quoted ETags, an owner each). */
function page(n: number): string {
  let xml = `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>photos-1250000000</Name><EncodingType>url</EncodingType><Prefix>big%2F</Prefix><Marker>big%2F${String(n * 1000).padStart(7, '0')}</Marker><MaxKeys>1000</MaxKeys><Delimiter>%2F</Delimiter><IsTruncated>true</IsTruncated><NextMarker>big%2F${String(n * 1000 + 999).padStart(7, '0')}.dat</NextMarker>`;
  for (let i = 0; i < 1000; i++) {
    xml += `<Contents><Key>big%2F${String(n * 1000 + i).padStart(7, '0')}.dat</Key><LastModified>2026-12-02T10:00:00.000Z</LastModified><ETag>&quot;d41d8cd98f00b204e9800998ecf8427${i % 10}&quot;</ETag><Size>${i * 37}</Size><Owner><ID>1250000000</ID><DisplayName>1250000000</DisplayName></Owner><StorageClass>STANDARD</StorageClass></Contents>`;
  }
  return `${xml}</ListBucketResult>`;
}

const baseline = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  processEntities: true,
  htmlEntities: false,
  isArray: (name, jpath) => REPEATED.has(name) && jpath !== 'Error' && !String(jpath).startsWith('Error.'),
});

const pages = Array.from({ length: PAGES }, (_, i) => page(i));
if (!isDeepStrictEqual(await parseXml(pages[0]!), baseline.parse(pages[0]!))) throw new Error('the two parsers read the page differently');

async function timed(parse: (xml: string) => unknown): Promise<number> {
  const t = performance.now();
  for (const xml of pages) await parse(xml);
  return (performance.now() - t) / pages.length;
}

const best = { client: Infinity, baseline: Infinity };
for (let round = 0; round < RUNS; round++) {
  best.baseline = Math.min(best.baseline, await timed((xml) => baseline.parse(xml)));
  best.client = Math.min(best.client, await timed(parseXml));
}
const ratio = best.baseline / best.client;
console.log(`a listing page of 1,000 objects (${(pages[0]!.length / 1024).toFixed(0)} KiB), best of ${RUNS} rounds of ${PAGES} pages:`);
console.log(`  fast-xml-parser (baseline)   ${best.baseline.toFixed(1).padStart(6)} ms a page`);
console.log(`  the client (htmlparser2)     ${best.client.toFixed(1).padStart(6)} ms a page`);
console.log(`  ${ratio.toFixed(2)}× as fast   target ≥ 2×   ${ratio >= 2 ? 'PASS' : 'FAIL'}`);
