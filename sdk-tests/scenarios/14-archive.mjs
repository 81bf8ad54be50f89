// archive() of a stopped sandbox, then start() restores it: state archived in between, files kept.
import { scenario, step, createSandbox, forget, daytona, eq, eqOutput, expectError, log } from '../lib.mjs';
import { DaytonaConflictError } from '@daytonaio/sdk';

await scenario(async () => {
    const sb = await step('create default sandbox', () => createSandbox());

    await step('write a file and 50 MiB of changes', async () => {
        await sb.fs.uploadFile(Buffer.from('kept through the archive\n'), '/var/tmp/archived.txt');
        const r = await sb.process.executeCommand('dd if=/dev/urandom of=/root/blob bs=1M count=50 2>/dev/null; md5sum /root/blob');
        sb.blobSum = r.result.trim();
    });

    await step('archive() of a started sandbox is refused', async () => {
        const e = await expectError('archive(started)', () => sb.archive(), DaytonaConflictError);
        eq(e.statusCode, 409, 'status of archive() on a started sandbox');
    });

    await step('stop()', () => sb.stop());

    await step('archive() -> state archived', async () => {
        const t0 = Date.now();
        await sb.archive();
        log(`  archive took ${Date.now() - t0} ms`);
        eq(sb.state, 'archived', 'sandbox.state after archive()');
        eq((await daytona().get(sb.id)).state, 'archived', 'state from get() after archive');
    });

    await step('start() -> restored, started; files intact', async () => {
        const t0 = Date.now();
        await sb.start(120);
        log(`  restore took ${Date.now() - t0} ms`);
        eq(sb.state, 'started', 'sandbox.state after start()');
        eq((await sb.fs.downloadFile('/var/tmp/archived.txt')).toString(), 'kept through the archive\n',
            'file written before archive');
        const r = await sb.process.executeCommand('md5sum /root/blob');
        eqOutput(r.result, sb.blobSum, '50 MiB written before archive');
    });

    // timed again on a second sandbox: a fresh server stores berth/default in its registry while the first runs
    await step('another default sandbox with 50 MiB: archive() and start() timed', async () => {
        const s2 = await createSandbox();
        await s2.process.executeCommand('dd if=/dev/urandom of=/root/blob bs=1M count=50 2>/dev/null');
        await s2.stop();
        let t0 = Date.now();
        await s2.archive();
        log(`  archive took ${Date.now() - t0} ms`);
        eq(s2.state, 'archived', 'state of the second sandbox after archive()');
        t0 = Date.now();
        await s2.start(120);
        log(`  restore took ${Date.now() - t0} ms`);
        const r = await s2.process.executeCommand('wc -c < /root/blob');
        eqOutput(r.result, '52428800', 'size of the blob after the restore');
        await s2.delete();
        forget(s2);
    });

    await step('stop(), archive() again, delete() of the archived sandbox', async () => {
        await sb.stop();
        await sb.archive();
        eq(sb.state, 'archived', 'state after the second archive()');
        await sb.delete();
        forget(sb);
    });
});
