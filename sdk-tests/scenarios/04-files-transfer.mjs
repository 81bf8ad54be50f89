// fs.uploadFile/downloadFile/uploadFiles/downloadFiles round trips (text, binary, larger), typed not-found errors.
import { randomBytes, createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DaytonaFileNotFoundError, DaytonaNotFoundError } from '@daytonaio/sdk';
import { scenario, step, createSandbox, eq, ok, eqOutput, expectError, log } from '../lib.mjs';

const sha = (b) => createHash('sha256').update(b).digest('hex');

function sameBytes(actual, expected, what) {
    ok(Buffer.isBuffer(actual), `${what}: a Buffer`, actual);
    if (!actual.equals(expected)) {
        let i = 0;
        while (i < Math.min(actual.length, expected.length) && actual[i] === expected[i]) i++;
        eq(`${actual.length} bytes, sha256 ${sha(actual)}, first difference at ${i}`,
            `${expected.length} bytes, sha256 ${sha(expected)}`, what);
    }
}

await scenario(async () => {
    const sb = await step('create default sandbox', () => createSandbox());
    const dir = '/tmp/sdk-files';

    const text = Buffer.from('hello from the SDK\nzweite Zeile: äöü €\n\ttabs and trailing spaces   \n', 'utf8');
    const allBytes = Buffer.from([...Array(256).keys()]);
    const binary = Buffer.concat([allBytes, randomBytes(64 * 1024), allBytes.reverse(), Buffer.from([0, 0, 0x0d, 0x0a, 0x0a])]);

    await step('uploadFile(text) then downloadFile', async () => {
        await sb.fs.uploadFile(text, `${dir}/hello.txt`);
        sameBytes(await sb.fs.downloadFile(`${dir}/hello.txt`), text, 'downloaded text file');
        const cat = await sb.process.executeCommand(`sha256sum ${dir}/hello.txt`);
        eq(cat.result.split(' ')[0], sha(text), 'sha256 of the uploaded file inside the sandbox');
    });

    await step('uploadFile(binary 0x00..0xff + 64 KiB random) then downloadFile', async () => {
        await sb.fs.uploadFile(binary, `${dir}/bin/data.bin`);
        sameBytes(await sb.fs.downloadFile(`${dir}/bin/data.bin`), binary, 'downloaded binary file');
        const size = await sb.process.executeCommand(`stat -c %s ${dir}/bin/data.bin`);
        eqOutput(size.result, String(binary.length), 'size inside the sandbox');
    });

    await step('uploadFile overwrites an existing file', async () => {
        const shorter = Buffer.from('short\n');
        await sb.fs.uploadFile(shorter, `${dir}/hello.txt`);
        sameBytes(await sb.fs.downloadFile(`${dir}/hello.txt`), shorter, 'overwritten file');
        await sb.fs.uploadFile(text, `${dir}/hello.txt`);
    });

    await step('empty file round trip', async () => {
        await sb.fs.uploadFile(Buffer.alloc(0), `${dir}/empty`);
        sameBytes(await sb.fs.downloadFile(`${dir}/empty`), Buffer.alloc(0), 'empty file');
    });

    const big = randomBytes(8 * 1024 * 1024);
    await step('8 MiB file round trip (chunked upload)', async () => {
        const t = Date.now();
        await sb.fs.uploadFile(big, `${dir}/big.bin`);
        const up = Date.now() - t;
        const got = await sb.fs.downloadFile(`${dir}/big.bin`);
        log(`  upload ${up} ms, download ${Date.now() - t - up} ms`);
        sameBytes(got, big, '8 MiB file');
    });

    await step('relative destination resolves against the work dir', async () => {
        const work = await sb.getWorkDir();
        await sb.fs.uploadFile(Buffer.from('relative\n'), 'sdk-rel/r.txt');
        sameBytes(await sb.fs.downloadFile('sdk-rel/r.txt'), Buffer.from('relative\n'), 'download by the relative path');
        sameBytes(await sb.fs.downloadFile(`${work.replace(/\/$/, '')}/sdk-rel/r.txt`), Buffer.from('relative\n'),
            `download by the absolute path under the work dir ${work}`);
    });

    await step('downloadFile(remote, localPath) streams to disk', async () => {
        const local = mkdtempSync(join(tmpdir(), 'berth-sdk-'));
        try {
            await sb.fs.downloadFile(`${dir}/bin/data.bin`, join(local, 'out.bin'));
            sameBytes(readFileSync(join(local, 'out.bin')), binary, 'file written to the local path');
        } finally {
            rmSync(local, { recursive: true, force: true });
        }
    });

    const many = [
        { destination: `${dir}/multi/a.txt`, source: Buffer.from('A\n') },
        { destination: `${dir}/multi/sub/b.bin`, source: Buffer.from([0, 1, 2, 255, 254]) },
        { destination: `${dir}/multi/with space & 'quote'.txt`, source: Buffer.from('spaces\n') },
    ];
    await step('uploadFiles (3 files, nested dirs, odd names)', async () => {
        await sb.fs.uploadFiles(many);
        const ls = await sb.process.executeCommand(`find ${dir}/multi -type f`);
        eq(ls.result.split('\n').filter(Boolean).sort(), many.map((f) => f.destination).sort(), 'files present in the sandbox');
    });

    await step('downloadFiles (3 files + 1 missing)', async () => {
        const missing = `${dir}/multi/nope.txt`;
        const res = await sb.fs.downloadFiles([...many.map((f) => ({ source: f.destination })), { source: missing }]);
        eq(res.length, 4, 'number of results');
        for (const f of many) {
            const r = res.find((x) => x.source === f.destination);
            ok(r, `a result for ${f.destination}`, res.map((x) => x.source));
            eq(r.error, undefined, `no error for ${f.destination}`);
            sameBytes(r.result, f.source, `content of ${f.destination}`);
        }
        const m = res.find((x) => x.source === missing);
        ok(m && m.error, 'an error entry for the missing file', m);
        log(`  missing entry: error=${JSON.stringify(m.error)} details=${JSON.stringify(m.errorDetails)}`);
        eq(m.errorDetails?.code ?? m.errorDetails?.errorCode, 'FILE_NOT_FOUND', 'errorDetails.code of the missing file');
        eq(m.errorDetails?.statusCode, 404, 'errorDetails.statusCode of the missing file');
    });

    await step('downloadFile of a missing file -> DaytonaFileNotFoundError', async () => {
        const e = await expectError('downloadFile(missing)', () => sb.fs.downloadFile('/tmp/does/not/exist.txt'),
            DaytonaFileNotFoundError, DaytonaNotFoundError);
        eq(e.statusCode, 404, 'statusCode');
    });

    await step('getFileDetails of a missing file -> DaytonaNotFoundError', async () => {
        const e = await expectError('getFileDetails(missing)', () => sb.fs.getFileDetails('/tmp/does/not/exist.txt'),
            DaytonaNotFoundError);
        eq(e.statusCode, 404, 'statusCode');
    });

    await step('non-ASCII and double-quote file names round trip (uploadFile/downloadFile/downloadFiles)', async () => {
        // the SDK parses the download with busboy (default param charset latin1): a non-ASCII path only
        // comes back intact as filename*=UTF-8''<percent-encoded> (RFC 5987), and '"' must be escaped
        const names = [`${dir}/uni/grüße €.txt`, `${dir}/uni/日本.bin`, `${dir}/uni/dq"uote.txt`];
        await sb.fs.uploadFiles(names.map((n, i) => ({ destination: n, source: Buffer.from(`content ${i}\n`) })));
        const ls = await sb.process.executeCommand(`ls ${dir}/uni`);
        eq(ls.result.split('\n').filter(Boolean).sort(), names.map((n) => n.split('/').pop()).sort(), 'names inside the sandbox');
        const res = await sb.fs.downloadFiles(names.map((n) => ({ source: n })));
        for (const [i, n] of names.entries()) {
            const r = res.find((x) => x.source === n);
            ok(r && !r.error, `a successful result for ${n}`, res.map((x) => ({ source: x.source, error: x.error })));
            sameBytes(r.result, Buffer.from(`content ${i}\n`), `content of ${n}`);
        }
        sameBytes(await sb.fs.downloadFile(names[0]), Buffer.from('content 0\n'), `downloadFile(${names[0]})`);
    });
});
