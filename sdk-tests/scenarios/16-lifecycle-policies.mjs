// Lifecycle policies through the SDK: the interval setters and setTtl, refreshActivity, pause() and the resume
// that any toolbox call makes, and an ephemeral sandbox deleted once it stops.
import { DaytonaNotFoundError } from '@daytonaio/sdk';
import { scenario, step, createSandbox, forget, daytona, eq, ok, eqOutput, expectError, sleep } from '../lib.mjs';

async function raw(sb) {
    // fields the SDK does not map (autoDestroyAt, stateReason): read through its own API client
    const r = await sb.sandboxApi.getSandbox(sb.id);
    return r.data;
}

await scenario(async () => {
    const sb = await step('create with autoStopInterval 0', () =>
        createSandbox({ snapshot: 'berth/busybox', autoStopInterval: 0 }));

    await step('setAutostopInterval / setAutoPauseInterval exclude each other', async () => {
        await sb.setAutostopInterval(30);
        await sb.refreshData();
        eq(sb.autoStopInterval, 30, 'autoStopInterval after setAutostopInterval(30)');
        await sb.setAutoPauseInterval(10);
        await sb.refreshData();
        eq(sb.autoPauseInterval, 10, 'autoPauseInterval after setAutoPauseInterval(10)');
        eq(sb.autoStopInterval, 0, 'autoStopInterval once auto-pause is set');
        await sb.setAutoPauseInterval(0);
    });

    await step('setAutoArchiveInterval / setAutoDeleteInterval(-1) / setTtl', async () => {
        await sb.setAutoArchiveInterval(60);
        await sb.setAutoDeleteInterval(-1);
        await sb.setTtl(120);
        await sb.refreshData();
        eq(sb.autoArchiveInterval, 60, 'autoArchiveInterval');
        eq(sb.autoDeleteInterval, -1, 'autoDeleteInterval');
        const d = await raw(sb);
        ok(d.autoDestroyAt && Date.parse(d.autoDestroyAt) > Date.now() + 100 * 60_000, 'autoDestroyAt ~2 h ahead',
            d.autoDestroyAt);
        await sb.setTtl(0);
        eq((await raw(sb)).autoDestroyAt, undefined, 'autoDestroyAt after setTtl(0)');
    });

    await step('refreshActivity moves lastActivityAt', async () => {
        await sb.refreshData();
        const before = Date.parse(sb.lastActivityAt);
        await sleep(50);
        await sb.refreshActivity();
        const deadline = Date.now() + 15_000;
        for (;;) {
            await sb.refreshData();
            if (Date.parse(sb.lastActivityAt) > before) break;
            if (Date.now() > deadline) throw new Error(`lastActivityAt stayed ${sb.lastActivityAt}`);
            await sleep(250);
        }
    });

    await step('pause() -> paused; a toolbox call resumes it with its process alive', async () => {
        await sb.process.executeCommand("sh -c 'sleep 600 > /dev/null 2>&1 & echo $! > /tmp/pid'");
        await sb.pause();
        eq(sb.state, 'paused', 'state after pause()');
        const r = await sb.process.executeCommand("sh -c 'kill -0 $(cat /tmp/pid) && echo alive'");
        eqOutput(r.result, 'alive', 'the background process after the resume');
        await sb.refreshData();
        eq(sb.state, 'started', 'state after a toolbox call on a paused sandbox');
    });

    await step('pause() then start() thaws it', async () => {
        await sb.pause();
        await sb.start();
        eq(sb.state, 'started', 'state after start() of a paused sandbox');
    });

    await step('an ephemeral sandbox is deleted once it stops', async () => {
        const eph = await createSandbox({ snapshot: 'berth/busybox', ephemeral: true });
        eq(eph.autoDeleteInterval, 0, 'autoDeleteInterval of an ephemeral sandbox');
        await eph.stop();
        const deadline = Date.now() + 60_000;
        for (;;) {
            try {
                const s = await daytona().get(eph.id);
                if (s.state === 'destroyed') break;
            } catch (e) {
                if (e instanceof DaytonaNotFoundError) break;
                throw e;
            }
            if (Date.now() > deadline) throw new Error('the ephemeral sandbox was not deleted within 60 s of its stop');
            await sleep(500);
        }
        forget(eph);
        await expectError('get(deleted ephemeral)', () => daytona().get(eph.id), DaytonaNotFoundError);
    });

    await step('create rejects autoStop and autoPause together', async () => {
        await expectError('create({autoStopInterval:5, autoPauseInterval:5}) on the client',
            () => daytona().create({ snapshot: 'berth/busybox', autoStopInterval: 5, autoPauseInterval: 5 }));
    });
});
