// process.executeCommand: output, exit codes, cwd and env arguments (busybox and default snapshots).
import { DaytonaTimeoutError } from '@daytonaio/sdk';
import { scenario, step, createSandbox, eq, ok, eqOutput, expectError, withDeadline, failure, log } from '../lib.mjs';

async function workDirChecks(sb, name) {
    await step(`${name}: getUserHomeDir / getWorkDir`, async () => {
        const home = await sb.getUserHomeDir();
        const work = await sb.getWorkDir();
        log(`  home=${home} work=${work}`);
        const h = await sb.process.executeCommand(`sh -c 'echo $HOME'`);
        eqOutput(h.result, home, 'getUserHomeDir equals $HOME of executeCommand');
        const sid = `wd-${Date.now()}`;
        await sb.process.createSession(sid);
        const sp = await sb.process.executeSessionCommand(sid, { command: 'pwd' });
        await sb.process.deleteSession(sid);
        log(`  default cwd of a new session: ${JSON.stringify(sp.stdout)} (informational)`);
        const w = await sb.process.executeCommand('pwd');
        eqOutput(w.result, work, 'getWorkDir equals the default cwd of executeCommand');
    });
}

async function execChecks(sb, name) {
    await step(`${name}: executeCommand('echo hi')`, async () => {
        const r = await sb.process.executeCommand('echo hi');
        log(`  -> ${JSON.stringify(r)}`);
        eq(r.exitCode, 0, 'exitCode of echo hi');
        eqOutput(r.result, 'hi', 'result of echo hi');
        eq(r.artifacts?.stdout, r.result, 'artifacts.stdout equals result');
    });
    await step(`${name}: failing command keeps its exit code`, async () => {
        const r = await sb.process.executeCommand(`sh -c 'echo oops; exit 3'`);
        log(`  -> ${JSON.stringify(r)}`);
        eq(r.exitCode, 3, "exitCode of sh -c 'exit 3'");
        eqOutput(r.result, 'oops', 'output of the failing command');
        const missing = await sb.process.executeCommand('ls /definitely/not/here');
        log(`  ls missing -> ${JSON.stringify(missing)}`);
        eq(missing.exitCode !== 0, true, 'ls of a missing path exits non-zero');
    });
    await step(`${name}: cwd argument`, async () => {
        const r = await sb.process.executeCommand('pwd', '/tmp');
        eq(r.exitCode, 0, 'exitCode of pwd in /tmp');
        eqOutput(r.result, '/tmp', 'pwd with cwd=/tmp');
        const r2 = await sb.process.executeCommand('pwd', '/etc');
        eqOutput(r2.result, '/etc', 'pwd with cwd=/etc');
    });
    await step(`${name}: env argument`, async () => {
        const r = await sb.process.executeCommand(`sh -c 'echo "$FOO-$BAR"'`, undefined, { FOO: 'foo value', BAR: 'b=2' });
        eq(r.exitCode, 0, 'exitCode with env');
        eqOutput(r.result, 'foo value-b=2', 'env vars FOO and BAR seen by the command');
    });
    await step(`${name}: stderr and multi-line output`, async () => {
        const r = await sb.process.executeCommand(`sh -c 'echo one; echo two; echo err >&2'`);
        eq(r.exitCode, 0, 'exitCode');
        const lines = r.result.split('\n').filter(Boolean);
        eq(lines.filter((l) => l !== 'err'), ['one', 'two'], 'stdout lines in order');
        log(`  combined result: ${JSON.stringify(r.result)} (Daytona returns stdout+stderr combined)`);
    });
    await step(`${name}: timeout argument ends a long command with DaytonaTimeoutError`, async () => {
        const t = Date.now();
        await withDeadline('executeCommand(sleep 30, timeout 2)', 15_000,
            expectError('executeCommand(sleep 30, timeout=2)', () => sb.process.executeCommand('sleep 30', undefined, undefined, 2),
                DaytonaTimeoutError));
        ok(Date.now() - t < 10_000, 'the timeout fired within 10 s', Date.now() - t);
        const r = await sb.process.executeCommand('echo still-alive');
        eqOutput(r.result, 'still-alive', 'exec works after a timed-out command');
    });
}

await scenario(async () => {
    const bb = await step('create busybox sandbox', () => createSandbox({ snapshot: 'berth/busybox' }));
    await execChecks(bb, 'busybox');
    const def = await step('create default sandbox', () => createSandbox());
    await execChecks(def, 'default');
    // Daytona's GET /work-dir: "This is default directory used for running commands."
    const failures = [];
    for (const [sb, name] of [[bb, 'busybox'], [def, 'default']]) {
        try {
            await workDirChecks(sb, name);
        } catch (e) {
            failures.push(`${name}: ${e.message}`);
        }
    }
    if (failures.length) throw failure(failures.join('\n'));
});
