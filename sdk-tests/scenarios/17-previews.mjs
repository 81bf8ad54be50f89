// Preview URLs through the SDK: getPreviewLink on a private sandbox (the token as a header, refused without it),
// getSignedPreviewUrl (no token needed, one port) and expireSignedPreviewUrl. The app is busybox httpd bound to
// 127.0.0.1 inside the sandbox: it is reached through the sandbox's agent, not its network address.
import http from 'node:http';
import { scenario, step, createSandbox, eq, ok } from '../lib.mjs';

// Browsers and curl resolve every *.localhost to the loopback; Node's resolver does not, so requests name it here.
function lookup(hostname, options, callback) {
    if (typeof options === 'function') callback = options;
    if (options && options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
    else callback(null, '127.0.0.1', 4);
}

function get(url, headers = {}) {
    return new Promise((resolve, reject) => {
        const req = http.get(url, { headers, lookup }, (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (c) => { body += c; });
            res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
        });
        req.on('error', reject);
        req.setTimeout(30_000, () => req.destroy(new Error(`GET ${url} timed out`)));
    });
}

await scenario(async () => {
    const sb = await step('create a private sandbox and start httpd on 127.0.0.1:8080', async () => {
        const s = await createSandbox({ snapshot: 'berth/busybox' });
        const r = await s.process.executeCommand(
            "sh -c 'mkdir -p /tmp/www && echo hello-preview > /tmp/www/index.html && busybox httpd -p 127.0.0.1:8080 -h /tmp/www && echo up'");
        eq(r.exitCode, 0, `httpd start: ${r.result}`);
        return s;
    });

    await step('getPreviewLink(8080): the token opens it, its absence does not', async () => {
        const link = await sb.getPreviewLink(8080);
        ok(link.url.startsWith(`http://8080-${sb.id}.`), 'preview URL host', link.url);
        ok(typeof link.token === 'string' && link.token.length >= 16, 'a token', link.token);
        const r = await get(`${link.url}/index.html`, { 'x-daytona-preview-token': link.token });
        eq(r.status, 200, `status with the token (${r.body})`);
        eq(r.body.trim(), 'hello-preview', 'body through the preview');
        const denied = await get(`${link.url}/index.html`);
        eq(denied.status, 401, 'status without the token');
        eq(JSON.parse(denied.body).code, 'PREVIEW_TOKEN_REQUIRED', 'code without the token');
    });

    await step('getSignedPreviewUrl(8080, 60) works without a token, then expireSignedPreviewUrl ends it', async () => {
        const signed = await sb.getSignedPreviewUrl(8080, 60);
        eq(signed.port, 8080, 'signed port');
        eq(signed.sandboxId, sb.id, 'signed sandboxId');
        const r = await get(`${signed.url}/index.html`);
        eq(r.status, 200, `signed link status (${r.body})`);
        eq(r.body.trim(), 'hello-preview', 'signed link body');
        await sb.expireSignedPreviewUrl(8080, signed.token);
        const gone = await get(`${signed.url}/index.html`);
        eq(gone.status, 410, 'status after expire');
    });
});
