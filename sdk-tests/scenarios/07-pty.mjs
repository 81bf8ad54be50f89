// PTY: createPty (WebSocket create-connect), output via onData, input, resize, reconnect (connectPty), envs,
// exit code, kill.
import { scenario, step, createSandbox, eq, ok, withDeadline, sleep, log } from '../lib.mjs';

function collector() {
    const dec = new TextDecoder();
    const c = { raw: '', onData: (d) => { c.raw += dec.decode(d, { stream: true }); } };
    // terminal output without escape sequences (bash emits e.g. ESC[?2004l before command output), \r\n -> \n
    Object.defineProperty(c, 'text', {
        get: () => c.raw.replace(/\x1b\[[0-9;?]*[ -\/]*[@-~]/g, '').replace(/\x1b\][^\x07]*\x07/g, '').replace(/\r+\n/g, '\n').replace(/\r/g, '\n'),
    });
    return c;
}

async function waitForOutput(c, re, what, ms = 10_000) {
    const end = Date.now() + ms;
    while (Date.now() < end) {
        if (re.test(c.text)) return;
        await sleep(50);
    }
    throw new Error(`${what}: output did not match ${re} within ${ms} ms; raw output so far: ${JSON.stringify(c.raw.slice(-1500))}`);
}

await scenario(async () => {
    const sb = await step('create default sandbox', () => createSandbox());
    const p = sb.process;
    const id = `sdk-pty-${Date.now()}`;
    const out = collector();
    let pty;

    await step('createPty({id, cols: 100, rows: 30, onData}) connects', async () => {
        const t = Date.now();
        pty = await withDeadline('createPty', 20_000, p.createPty({ id, cols: 100, rows: 30, onData: out.onData }));
        await pty.waitForConnection();
        log(`  connected in ${Date.now() - t} ms`);
        ok(pty.isConnected(), 'isConnected() after waitForConnection', pty.isConnected());
        eq(pty.sessionId, id, 'sessionId');
    });

    await step('echo pty-ok round trip', async () => {
        await pty.sendInput('echo pty-ok\n');
        await waitForOutput(out, /(^|\n)pty-ok\n/, 'echo pty-ok');
    });

    await step('terminal size from create, then resize', async () => {
        await pty.sendInput('stty size\n');
        await waitForOutput(out, /(^|\n)30 100\n/, 'stty size after create with rows=30 cols=100');
        const info = await pty.resize(120, 40);
        log(`  resize -> ${JSON.stringify(info)}`);
        eq([info.cols, info.rows], [120, 40], 'PtySessionInfo cols/rows after resize');
        await pty.sendInput('stty size\n');
        await waitForOutput(out, /(^|\n)40 120\n/, 'stty size after resize');
    });

    await step('listPtySessions / getPtySessionInfo while active', async () => {
        const list = await p.listPtySessions();
        log(`  list -> ${JSON.stringify(list)}`);
        const mine = list.find((s) => s.id === id);
        ok(mine, 'the PTY is listed', list);
        eq(mine.active, true, 'active');
        const info = await p.getPtySessionInfo(id);
        eq(info.id, id, 'getPtySessionInfo id');
        eq([info.cols, info.rows], [120, 40], 'getPtySessionInfo cols/rows');
    });

    await step('disconnect() leaves the terminal running; connectPty(id) attaches to the same shell', async () => {
        await pty.sendInput('KEPT=still-here\n');
        await pty.disconnect();
        out.raw = '';
        const deadline = Date.now() + 15_000;
        for (;;) {
            try {
                pty = await withDeadline('connectPty', 20_000, p.connectPty(id, { onData: out.onData }));
                await pty.waitForConnection();
                break;
            } catch (e) {
                // the previous attachment may still be letting go
                if (Date.now() > deadline) throw e;
                await sleep(200);
            }
        }
        await pty.sendInput('echo "kept=$KEPT"\n');
        await waitForOutput(out, /(^|\n)kept=still-here\n/, 'the shell kept its variable across reconnect');
    });

    await step('exit 0 -> wait() resolves with exitCode 0', async () => {
        await pty.sendInput('exit\n');
        const r = await withDeadline('pty.wait()', 15_000, pty.wait());
        log(`  wait -> ${JSON.stringify(r)}`);
        eq(r.exitCode, 0, 'exitCode');
        eq(pty.exitCode, 0, 'handle.exitCode');
        await pty.disconnect();
    });

    await step('envs are passed (X-Daytona-Pty-Envs subprotocol); a non-zero exit code is reported', async () => {
        const out2 = collector();
        const pty2 = await withDeadline('createPty #2', 20_000,
            p.createPty({ id: `${id}-b`, envs: { SDK_PTY_VAR: 'from-envs' }, cwd: '/tmp', onData: out2.onData }));
        await pty2.sendInput('echo "v=$SDK_PTY_VAR"; pwd\n');
        await waitForOutput(out2, /(^|\n)v=from-envs\n\/tmp\n/, 'env var and cwd visible in the PTY');
        await pty2.sendInput('exit 3\n');
        const r = await withDeadline('pty2.wait()', 15_000, pty2.wait());
        log(`  wait -> ${JSON.stringify(r)}`);
        eq(r.exitCode, 3, 'exitCode of exit 3');
        await pty2.disconnect();
    });

    await step('kill() ends a running PTY', async () => {
        const out3 = collector();
        const pty3 = await withDeadline('createPty #3', 20_000, p.createPty({ id: `${id}-c`, onData: out3.onData }));
        await pty3.sendInput('echo ready\n');
        await waitForOutput(out3, /(^|\n)ready\n/, 'third PTY ready');
        await pty3.kill();
        const r = await withDeadline('pty3.wait() after kill', 15_000, pty3.wait());
        log(`  wait after kill -> ${JSON.stringify(r)}`);
        ok(r.exitCode !== 0 || r.error, 'killed PTY reports a non-zero exit code or an error', r);
        await pty3.disconnect();
    });
});
