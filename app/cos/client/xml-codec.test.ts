import { describe, expect, it } from 'vitest';
import { parseXml, str } from './xml-codec';

describe('parseXml: COS response bodies as plain objects', () => {
  it('keeps every value a string, decodes entities, drops the declaration, attributes and namespace prefixes', async () => {
    const doc = await parseXml(
      '<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://doc.s3.amazonaws.com/2006-03-01"><Name>b-1250000000</Name><Prefix/><MaxKeys>0012</MaxKeys>' +
        '<Contents><Key>a%20b</Key><ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><Size>0</Size></Contents><x:Note xmlns:x="u" lang="en">  R&amp;D &#65;&#x42; <![CDATA[<raw>]]>  </x:Note></ListBucketResult>',
    );
    expect(doc).toEqual({
      ListBucketResult: {
        Name: 'b-1250000000',
        Prefix: '',
        MaxKeys: '0012',
        Contents: [{ Key: 'a%20b', ETag: '"9b2cf535f27731c974343645a3985328"', Size: '0' }],
        Note: 'R&D AB <raw>',
      },
    });
  });

  it('makes a list of the elements that repeat even when there is one, and of any name seen twice', async () => {
    const one = await parseXml('<ListPartsResult><Part><PartNumber>1</PartNumber></Part><Owner><ID>1</ID></Owner></ListPartsResult>');
    expect(one).toEqual({ ListPartsResult: { Part: [{ PartNumber: '1' }], Owner: { ID: '1' } } });
    const twice = await parseXml('<a><b>1</b><b>2</b><b>3</b></a>');
    expect(twice).toEqual({ a: { b: ['1', '2', '3'] } });
  });

  it('reads an error document as one Error, and the per-key errors of a multi-delete as a list', async () => {
    const err = await parseXml('<?xml version="1.0"?>\n<Error>\n  <Code>NoSuchKey</Code>\n  <Message>The specified key does not exist.</Message>\n  <RequestId>NjA=</RequestId>\n</Error>\n');
    expect(err).toEqual({ Error: { Code: 'NoSuchKey', Message: 'The specified key does not exist.', RequestId: 'NjA=' } });
    const del = await parseXml('<DeleteResult><Deleted><Key>a</Key></Deleted><Error><Key>b</Key><Code>AccessDenied</Code></Error></DeleteResult>');
    expect(del).toEqual({ DeleteResult: { Deleted: [{ Key: 'a' }], Error: [{ Key: 'b', Code: 'AccessDenied' }] } });
  });

  it('reads what a proxy sends instead of XML without throwing, and an empty body as nothing', async () => {
    const html = await parseXml('<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>');
    expect(str((html.Error as Record<string, unknown> | undefined)?.Code)).toBeUndefined();
    // A body cut off in the middle: what arrived, not an exception from inside the parser.
    expect(await parseXml('<ListBucketResult><Name>b-1250000000</Name><Contents><Key>a')).toEqual({ ListBucketResult: { Name: 'b-1250000000', Contents: [{ Key: 'a' }] } });
    expect(await parseXml('  \n')).toEqual({});
  });

  it('an element called __proto__ cannot change what the parsed objects are', async () => {
    const doc = await parseXml('<a><__proto__><polluted>yes</polluted></__proto__><constructor>c</constructor></a>');
    expect(doc).toEqual({ a: { constructor: 'c' } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(doc.a)).toBe(Object.prototype);
  });
});
