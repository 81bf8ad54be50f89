// sandbox.resize({cpu, memory}) live and on a stopped sandbox: the DTO and the kernel's limits read from inside
// (cgroup v2 cpu.max/memory.max where the host has them, the v1 files otherwise); a refusal changes nothing.
import { DaytonaError } from '@daytonaio/sdk';
import { scenario, step, createSandbox, daytona, eq, expectError } from '../lib.mjs';

const GIB = 1024 * 1024 * 1024;
const LIMITS = 'if [ -f /sys/fs/cgroup/cpu.max ]; then cat /sys/fs/cgroup/cpu.max /sys/fs/cgroup/memory.max; '
    + 'else echo $(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us) $(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us); '
    + 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes; fi';

/** {cpu, memory} as the kernel enforces them in the sandbox: cores (quota / period) and GiB. */
async function kernelLimits(sb) {
    const r = await sb.process.executeCommand(LIMITS);
    eq(r.exitCode, 0, `reading the cgroup files (${r.result})`);
    const [cpuLine, memLine] = r.result.trim().split('\n');
    const [quota, period] = cpuLine.trim().split(' ').map(Number);
    return { cpu: quota / period, memory: Number(memLine.trim()) / GIB };
}

await scenario(async () => {
    const sb = await step('create a busybox sandbox (1 core, 1 GiB)', () =>
        createSandbox({ snapshot: 'berth/busybox', resources: { cpu: 1, memory: 1 } }));

    await step('limits before: 1 core, 1 GiB', async () => {
        const k = await kernelLimits(sb);
        eq(k.cpu, 1, 'cpu quota/period');
        eq(k.memory, 1, 'memory limit (GiB)');
    });

    await step('resize({cpu: 2, memory: 2}) on the started sandbox', async () => {
        await sb.resize({ cpu: 2, memory: 2 });
        eq(sb.state, 'started', 'sandbox.state after resize()');
        eq(sb.cpu, 2, 'sandbox.cpu');
        eq(sb.memory, 2, 'sandbox.memory');
        const got = await daytona().get(sb.id);
        eq(got.cpu, 2, 'cpu from get()');
        eq(got.memory, 2, 'memory from get()');
        const k = await kernelLimits(sb);
        eq(k.cpu, 2, 'cpu quota/period after resize');
        eq(k.memory, 2, 'memory limit (GiB) after resize');
    });

    await step('resize beyond the per-sandbox maximum -> error, nothing changed', async () => {
        await expectError('resize({memory: 1000})', () => sb.resize({ memory: 1000 }), DaytonaError);
        await sb.refreshData();
        eq(sb.memory, 2, 'memory after the refused resize');
        eq((await kernelLimits(sb)).memory, 2, 'memory limit after the refused resize');
    });

    await step('stop, resize({memory: 1}), start -> the new limit holds', async () => {
        await sb.stop();
        await sb.resize({ memory: 1 });
        eq(sb.state, 'stopped', 'sandbox.state after resizing a stopped sandbox');
        eq(sb.memory, 1, 'sandbox.memory');
        await sb.start();
        const k = await kernelLimits(sb);
        eq(k.cpu, 2, 'cpu after start');
        eq(k.memory, 1, 'memory after start');
    });
});
