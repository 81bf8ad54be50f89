// Network policy: create({networkBlockAll: true}) keeps the toolbox working while no packet leaves the sandbox,
// and updateNetworkSettings changes the policy of a running sandbox (its DTO says what is in force); a list the
// server cannot enforce is refused. Nothing here sends traffic off the machine: the blocked sandbox's packets are
// dropped on the runner (NetworkPolicyIT tests reachability against namespaces it makes).
import { scenario, step, createSandbox, eq, ok, expectError } from '../lib.mjs';

await scenario(async () => {
    let sb;
    await step('create({snapshot: berth/busybox, networkBlockAll: true}): the toolbox works, the network does not',
        async () => {
            sb = await createSandbox({ snapshot: 'berth/busybox', networkBlockAll: true });
            eq(sb.networkBlockAll, true, 'networkBlockAll');
            eq((await sb.process.executeCommand('echo toolbox-ok')).result.trim(), 'toolbox-ok', 'toolbox');
            const r = await sb.process.executeCommand("sh -c 'nc -w 1 198.51.100.1 9 </dev/null 2>&1; true'");
            ok(r.result.includes('timed out'), 'a TCP connect is dropped', r.result);
        });

    await step('updateNetworkSettings({networkBlockAll: false, networkAllowList})', async () => {
        await sb.updateNetworkSettings({ networkBlockAll: false, networkAllowList: '198.51.100.0/24,203.0.113.7' });
        eq(sb.networkBlockAll, false, 'networkBlockAll after update');
        eq(sb.networkAllowList, '198.51.100.0/24,203.0.113.7/32', 'networkAllowList after update (normalized)');
        await sb.refreshData();
        eq(sb.networkAllowList, '198.51.100.0/24,203.0.113.7/32', 'networkAllowList as get() shows it');
    });

    await step('updateNetworkSettings refuses what it cannot enforce and changes nothing', async () => {
        await expectError('an invalid CIDR', () => sb.updateNetworkSettings({ networkAllowList: '198.51.100.0/33' }));
        await expectError('a metadata address', () => sb.updateNetworkSettings({ networkAllowList: '169.254.169.254' }));
        await expectError('a malformed domain', () => sb.updateNetworkSettings({ domainAllowList: 'bad..name' }));
        await sb.refreshData();
        eq(sb.networkAllowList, '198.51.100.0/24,203.0.113.7/32', 'networkAllowList unchanged');
    });

    await step('updateNetworkSettings({domainAllowList})', async () => {
        await sb.updateNetworkSettings({ domainAllowList: 'example.com,*.example.org' });
        eq(sb.domainAllowList, 'example.com,*.example.org', 'domainAllowList');
        await sb.updateNetworkSettings({ domainAllowList: '' });
        eq(sb.domainAllowList ?? null, null, 'domainAllowList cleared');
    });

    await step('updateNetworkSettings({networkBlockAll: true}) closes it again', async () => {
        await sb.updateNetworkSettings({ networkBlockAll: true });
        eq(sb.networkBlockAll, true, 'networkBlockAll');
        const r = await sb.process.executeCommand("sh -c 'nc -w 1 198.51.100.1 9 </dev/null 2>&1; true'");
        ok(r.result.includes('timed out'), 'a TCP connect is dropped', r.result);
    });
});
