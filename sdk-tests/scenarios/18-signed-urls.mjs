// sandbox.uploadUrl / downloadUrl: links the SDK signs with the sandbox's key, fetched with Node's fetch and no
// Authorization header; rotateSigningKey() invalidates links signed before it.
import { randomBytes, createHash } from 'node:crypto';
import { scenario, step, createSandbox, eq, ok, eqOutput, log } from '../lib.mjs';

const sha = (b) => createHash('sha256').update(b).digest('hex');

async function upload(url, bytes, name = 'data.bin') {
    const form = new FormData();
    form.append('file', new Blob([bytes]), name);
    return fetch(url, { method: 'POST', body: form });
}

async function refused(res, status, contains, what) {
    const body = await res.text();
    eq(res.status, status, `${what}: status (${body})`);
    const p = JSON.parse(body);
    ok(typeof p.message === 'string' && p.message.includes(contains), `${what}: message mentions '${contains}'`, p);
    log(`  ${what}: ${status} ${p.message}`);
}

await scenario(async () => {
    const sb = await step('create busybox sandbox', () => createSandbox({ snapshot: 'berth/busybox' }));
    const path = '/tmp/signed/ä b+c.bin';
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    await sb.process.executeCommand('mkdir -p /tmp/signed');

    const upUrl = await step('uploadUrl(path) builds a signed link', async () => {
        const u = await sb.uploadUrl(path);
        ok(u.startsWith(`${sb.toolboxProxyUrl.replace(/\/+$/, '')}/${sb.id}/files/upload-v2?`), 'upload URL shape', u);
        const q = new URL(u).searchParams;
        eq(q.get('path'), path, 'path parameter');
        ok(/^v1_[A-Za-z0-9_-]{43}$/.test(q.get('signature')), 'v1 signature', q.get('signature'));
        return u;
    });

    await step('POST the file to the upload link with fetch, no auth header', async () => {
        const res = await upload(upUrl, bytes);
        eq(res.status, 200, `upload status (${await res.clone().text()})`);
        const sum = await sb.process.executeCommand(`sha256sum '${path}'`);
        eq(sum.result.split(' ')[0], sha(bytes), 'sha256 inside the sandbox');
    });

    const downUrl = await step('GET the downloadUrl with fetch, no auth header: same bytes', async () => {
        const u = await sb.downloadUrl(path, 120);
        const res = await fetch(u);
        eq(res.status, 200, 'download status');
        eq(res.headers.get('content-type'), 'application/octet-stream', 'content type');
        ok((res.headers.get('content-disposition') ?? '').startsWith('attachment;'), 'attachment disposition',
            res.headers.get('content-disposition'));
        const got = Buffer.from(await res.arrayBuffer());
        eq(got.length, bytes.length, 'downloaded length');
        eq(sha(got), sha(bytes), 'downloaded sha256');
        return u;
    });

    await step('a never-expiring link (ttl 0) works too', async () => {
        const u = await sb.downloadUrl(path, 0);
        eq(new URL(u).searchParams.get('expires'), '0', 'expires=0');
        eq((await fetch(u)).status, 200, 'status');
    });

    await step('the download link cannot upload; a changed path is refused', async () => {
        const asUpload = downUrl.replace('/files/download?', '/files/upload-v2?');
        await refused(await upload(asUpload, Buffer.from('x')), 403, 'signed for GET', 'download link used to upload');
        const other = new URL(downUrl);
        other.searchParams.set('path', '/etc/passwd');
        await refused(await fetch(other), 403, 'does not match', 'path changed');
        const sum = await sb.process.executeCommand(`sha256sum '${path}'`);
        eq(sum.result.split(' ')[0], sha(bytes), 'file unchanged');
    });

    await step('rotateSigningKey() invalidates earlier links; new links work', async () => {
        await sb.rotateSigningKey();
        await refused(await fetch(downUrl), 403, 'rotated', 'old download link');
        await refused(await upload(upUrl, Buffer.from('late')), 403, 'rotated', 'old upload link');
        const fresh = await sb.downloadUrl(path);
        ok(fresh !== downUrl, 'a new signature', fresh);
        const res = await fetch(fresh);
        eq(res.status, 200, 'new link status');
        eq(sha(Buffer.from(await res.arrayBuffer())), sha(bytes), 'new link bytes');
        const out = await sb.process.executeCommand(`cat '${path}' | wc -c`);
        eqOutput(out.result.trim(), String(bytes.length), 'old upload link wrote nothing');
    });
});
