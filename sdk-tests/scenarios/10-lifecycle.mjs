// stop/start keep the file system; delete then get -> not found.
import { DaytonaNotFoundError } from '@daytonaio/sdk';
import { scenario, step, createSandbox, forget, daytona, eq, eqOutput, expectError, log } from '../lib.mjs';

await scenario(async () => {
    const sb = await step('create default sandbox', () => createSandbox());

    await step('write a file before stop', () => sb.fs.uploadFile(Buffer.from('survives\n'), '/var/tmp/persist.txt'));

    await step('stop() -> state stopped', async () => {
        await sb.stop();
        eq(sb.state, 'stopped', 'sandbox.state after stop()');
        eq((await daytona().get(sb.id)).state, 'stopped', 'state from get() after stop');
    });

    await step('toolbox call on a stopped sandbox fails', async () => {
        try {
            const r = await sb.process.executeCommand('echo should-not-run');
            throw new Error(`executeCommand on a stopped sandbox returned ${JSON.stringify(r)}`);
        } catch (e) {
            if (e instanceof Error && e.message.startsWith('executeCommand on a stopped')) throw e;
            log(`  got ${e?.constructor?.name} (statusCode=${e?.statusCode}): ${e?.message}`);
        }
    });

    await step('start() -> state started; file system kept; exec works', async () => {
        await sb.start();
        eq(sb.state, 'started', 'sandbox.state after start()');
        eq((await sb.fs.downloadFile('/var/tmp/persist.txt')).toString(), 'survives\n', 'file written before stop');
        const r = await sb.process.executeCommand('echo back');
        eqOutput(r.result, 'back', 'exec after start');
    });

    await step('delete() then get(id) -> DaytonaNotFoundError', async () => {
        await sb.delete();
        forget(sb);
        await expectError('get(deleted id)', () => daytona().get(sb.id), DaytonaNotFoundError);
    });

    await step('delete of a stopped sandbox', async () => {
        const s2 = await createSandbox({ snapshot: 'berth/busybox' });
        await s2.stop();
        await s2.delete();
        forget(s2);
        await expectError('get(deleted stopped id)', () => daytona().get(s2.id), DaytonaNotFoundError);
    });
});
