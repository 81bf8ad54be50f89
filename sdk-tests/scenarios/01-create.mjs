// Create with the server's default snapshot (no snapshot sent) and with berth/busybox.
import { scenario, step, createSandbox, daytona, eq, ok, log } from '../lib.mjs';

function checkStarted(sb, snapshot, what) {
    eq(sb.state, 'started', `${what}: state`);
    eq(sb.labels?.['code-toolbox-language'], 'python', `${what}: labels["code-toolbox-language"]`);
    eq(sb.snapshot, snapshot, `${what}: snapshot`);
    ok(typeof sb.id === 'string' && sb.id.length > 0, `${what}: id is a non-empty string`, sb.id);
    ok(typeof sb.toolboxProxyUrl === 'string' && /^https?:\/\//.test(sb.toolboxProxyUrl),
        `${what}: toolboxProxyUrl is an absolute http(s) URL`, sb.toolboxProxyUrl);
    eq(sb.target, defaultRegion, `${what}: target (the region /api/config advertises: where a create without one goes)`);
}

// embedded mode: berth.region ('us'); cluster mode: the region of the ready runners (e.g. 'eu')
const apiUrl = process.env.DAYTONA_API_URL || 'http://localhost:3000/api';
const config = await (await fetch(`${apiUrl}/config`)).json();
const defaultRegion = config.regions[0];

await scenario(async () => {
    const def = await step('create() with the default snapshot', () => createSandbox());
    log(`  default: id=${def.id} snapshot=${def.snapshot} labels=${JSON.stringify(def.labels)}`);
    checkStarted(def, 'berth/default', 'create()');

    const bb = await step("create({snapshot: 'berth/busybox'})", () => createSandbox({ snapshot: 'berth/busybox' }));
    log(`  busybox: id=${bb.id} snapshot=${bb.snapshot}`);
    checkStarted(bb, 'berth/busybox', 'create(busybox)');

    await step('get(id) round-trips state and labels', async () => {
        const again = await daytona().get(bb.id);
        eq(again.id, bb.id, 'get(id).id');
        checkStarted(again, 'berth/busybox', 'get(busybox)');
        eq(again.labels, bb.labels, 'get(id).labels equal the create response labels');
    });
});
