// Snapshots: daytona.snapshot.create/get/list/activate/delete with an Image build and its logs,
// create({image: Image...addLocalFile}) with onSnapshotCreateLogs (the context goes through push-access to
// Berth's object storage), sandbox.createSnapshot and sandbox.fork.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Image, DaytonaNotFoundError } from '@daytonaio/sdk';
import { scenario, step, createSandbox, forget, daytona, eq, ok, eqOutput, expectError, log, RUN_ID } from '../lib.mjs';

await scenario(async () => {
    const name = `sdk-snap-${RUN_ID}`;
    let snap;

    await step('snapshot.create({image: Image.base(berth/default).runCommands(...)}, {onLogs})', async () => {
        const logs = [];
        const image = Image.base('berth/default').runCommands(`echo built-by-sdk-${RUN_ID} > /etc/sdk-marker`);
        snap = await daytona().snapshot.create({ name, image }, { onLogs: (l) => logs.push(l), timeout: 300 });
        eq(snap.state, 'active', 'snapshot state after create');
        ok(logs.some((l) => l.includes('built-by-sdk')), 'build log shows the RUN step', logs);
        log(`  ${logs.length} log chunks`);
    });

    await step('snapshot.get(name) and get(id); list() pages', async () => {
        eq((await daytona().snapshot.get(name)).id, snap.id, 'get by name');
        eq((await daytona().snapshot.get(snap.id)).name, name, 'get by id');
        const page = await daytona().snapshot.list(1, 100);
        ok(page.items.some((s) => s.name === name), 'list contains the snapshot', page.items.map((s) => s.name));
        ok(page.total >= 3 && page.page === 1, 'list total/page', { total: page.total, page: page.page });
        eq((await daytona().snapshot.activate(snap)).state, 'active', 'activate an active snapshot');
    });

    let sb;
    await step('create({snapshot}) from it sees the built file', async () => {
        sb = await createSandbox({ snapshot: name });
        eqOutput((await sb.process.executeCommand('cat /etc/sdk-marker')).result, `built-by-sdk-${RUN_ID}`, 'marker');
    });

    await step('create({image: Image...addLocalFile(...)}, {onSnapshotCreateLogs}) uploads, builds, then starts', async () => {
        const logs = [];
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-sdk-ctx-'));
        const local = path.join(dir, 'context.txt');
        fs.writeFileSync(local, `uploaded-${RUN_ID}\n`);
        const image = Image.base('berth/default').runCommands(`echo direct-${RUN_ID} > /etc/direct`)
            .addLocalFile(local, '/opt/context.txt');
        const direct = await createSandbox({ image }, { onSnapshotCreateLogs: (l) => logs.push(l), timeout: 300 });
        eq(direct.state, 'started', 'state');
        eqOutput((await direct.process.executeCommand('cat /etc/direct')).result, `direct-${RUN_ID}`, 'built file');
        eqOutput((await direct.process.executeCommand('cat /opt/context.txt')).result, `uploaded-${RUN_ID}`,
            'file added from the local context');
        ok(logs.join('\n').includes(`direct-${RUN_ID}`), 'onSnapshotCreateLogs received the build log', logs);
    });

    await step('sandbox.createSnapshot(name) and a sandbox from it', async () => {
        await sb.fs.uploadFile(Buffer.from('from-the-sandbox\n'), '/root/state.txt');
        await sb.createSnapshot(`${name}-child`);
        const child = await daytona().snapshot.get(`${name}-child`);
        eq(child.state, 'active', 'child snapshot state');
        const fromChild = await createSandbox({ snapshot: `${name}-child` });
        eq((await fromChild.fs.downloadFile('/root/state.txt')).toString(), 'from-the-sandbox\n', 'file in child');
    });

    await step('sandbox.fork() has the source files', async () => {
        const fork = await sb.fork({ name: `fork-${RUN_ID}` });
        try {
            eq(fork.state, 'started', 'fork state');
            eq((await fork.fs.downloadFile('/root/state.txt')).toString(), 'from-the-sandbox\n', 'file in fork');
        } finally {
            await fork.delete();
        }
    });

    await step('after its sandbox is deleted, snapshot.delete -> get answers not found', async () => {
        await daytona().delete(sb);
        forget(sb);
        await daytona().snapshot.delete(snap);
        const deadline = Date.now() + 30000;
        for (;;) {
            try {
                await daytona().snapshot.get(snap.id);
            } catch (e) {
                if (e instanceof DaytonaNotFoundError) break;
                throw e;
            }
            if (Date.now() > deadline) throw new Error('snapshot still there 30 s after delete');
            await new Promise((r) => setTimeout(r, 500));
        }
        await expectError('get(deleted snapshot)', () => daytona().snapshot.get(name), DaytonaNotFoundError);
    });
});
