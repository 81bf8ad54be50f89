// Warm pools: daytona.warmPool.create/list/update/delete, a create served from the pool (started at once, with
// its env applied and warmPoolId naming the pool), and the system pool embedded mode keeps for the default
// snapshot, which admins see in list().
import { scenario, step, createSandbox, daytona, eq, ok, eqOutput, expectError, log, sleep } from '../lib.mjs';
import { DaytonaNotFoundError } from '@daytonaio/sdk';

async function poolOf(id) {
    return (await daytona().warmPool.list()).find((p) => p.id === id);
}

async function awaitSize(id, size, seconds) {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
        const p = await poolOf(id);
        if (p && p.currentSize === size) return p;
        if (Date.now() > deadline) throw new Error(`pool ${id} did not reach ${size} ready sandboxes: ${JSON.stringify(p)}`);
        await sleep(250);
    }
}

await scenario(async () => {
    let pool;
    await step('warmPool.create({snapshot: berth/busybox, pool: 1}) and list()', async () => {
        pool = await daytona().warmPool.create({ snapshot: 'berth/busybox', pool: 1 });
        eq(pool.snapshot, 'berth/busybox', 'snapshot');
        eq(pool.pool, 1, 'pool');
        eq(pool.osUser, 'root', 'osUser');
        ok(typeof pool.target === 'string' && pool.target.length > 0, 'target', pool.target);
        const ready = await awaitSize(pool.id, 1, 120);
        eq(ready.errorReason ?? null, null, 'errorReason');
        await expectError('a second pool for the same snapshot and region',
            () => daytona().warmPool.create({ snapshot: 'berth/busybox', pool: 1 }));
    });

    await step('create({snapshot: berth/busybox, envVars, labels}) is served from the pool', async () => {
        const t0 = Date.now();
        const sb = await createSandbox({ snapshot: 'berth/busybox', envVars: { WARM_GREETING: 'hello-from-sdk' } });
        log(`  claimed in ${Date.now() - t0} ms`);
        eq(sb.state, 'started', 'state');
        eq(sb.warmPoolId, pool.id, 'warmPoolId');
        eqOutput((await sb.process.executeCommand('sh -c "echo $WARM_GREETING"')).result, 'hello-from-sdk', 'env');
        await awaitSize(pool.id, 1, 120); // refilled
    });

    await step('warmPool.update(id, {pool: 2}) and delete(id)', async () => {
        eq((await daytona().warmPool.update(pool.id, { pool: 2 })).pool, 2, 'pool after update');
        await awaitSize(pool.id, 2, 120);
        await daytona().warmPool.delete(pool.id);
        eq(await poolOf(pool.id), undefined, 'deleted pool in list()');
        await expectError('update of a deleted pool', () => daytona().warmPool.update(pool.id, { pool: 1 }),
            DaytonaNotFoundError);
    });

    await step('the system pool of the default snapshot serves create() (admins see it in list())', async () => {
        const sb = await createSandbox({}); // retries while the default snapshot is still being built
        const system = (await daytona().warmPool.list()).find((p) => p.organizationId === 'berth-system');
        ok(system, 'a system pool in list()', await daytona().warmPool.list());
        eq(system.snapshot, 'berth/default', 'system pool snapshot');
        if (sb.warmPoolId === undefined) {
            // the first create after start may come before the pool's first sandbox is up: the next is warm
            await awaitSize(system.id, system.pool > 0 ? Math.min(1, system.pool) : 0, 180);
            const again = await createSandbox({});
            eq(again.warmPoolId, system.id, 'warmPoolId of a default create');
        } else {
            eq(sb.warmPoolId, system.id, 'warmPoolId of a default create');
        }
    });
});
