// Sessions: createSession, sync exec keeps state (cd, export), async exec + getSessionCommand + JSON logs +
// followed logs (WebSocket, stdout/stderr demux), sendSessionCommandInput, getSession/listSessions, deleteSession.
import { DaytonaNotFoundError } from '@daytonaio/sdk';
import { scenario, step, createSandbox, eq, ok, eqOutput, expectError, withDeadline, sleep, log } from '../lib.mjs';

await scenario(async () => {
    const sb = await step('create default sandbox', () => createSandbox());
    const sid = `sdk-session-${Date.now()}`;
    const p = sb.process;

    await step('createSession', () => p.createSession(sid));

    await step('sync: cd /tmp, then pwd -> /tmp', async () => {
        const cd = await p.executeSessionCommand(sid, { command: 'cd /tmp' });
        log(`  cd -> ${JSON.stringify(cd)}`);
        ok(typeof cd.cmdId === 'string' && cd.cmdId.length > 0, 'cmdId of a sync command', cd);
        eq(cd.exitCode, 0, 'exitCode of cd');
        const pwd = await p.executeSessionCommand(sid, { command: 'pwd' });
        log(`  pwd -> ${JSON.stringify(pwd)}`);
        eq(pwd.exitCode, 0, 'exitCode of pwd');
        eqOutput(pwd.output, '/tmp', 'output of pwd after cd /tmp');
        eqOutput(pwd.stdout, '/tmp', 'stdout of pwd after cd /tmp');
    });

    await step('sync: exported variables persist; stderr is separated; exit codes', async () => {
        await p.executeSessionCommand(sid, { command: 'export SDK_VAR=persisted' });
        const echo = await p.executeSessionCommand(sid, { command: 'echo "$SDK_VAR"; echo to-stderr >&2' });
        log(`  -> ${JSON.stringify(echo)}`);
        eqOutput(echo.stdout, 'persisted', 'stdout with the exported variable');
        eqOutput(echo.stderr, 'to-stderr', 'stderr');
        const fail = await p.executeSessionCommand(sid, { command: "sh -c 'exit 5'" });
        eq(fail.exitCode, 5, 'exitCode of a failing command');
        const after = await p.executeSessionCommand(sid, { command: 'pwd' });
        eqOutput(after.stdout, '/tmp', 'session still alive and in /tmp after a failing command');
    });

    const script = 'for i in 1 2 3; do echo out$i; echo err$i >&2; sleep 0.4; done';
    let cmdId;
    await step('async: runAsync returns a cmdId at once; getSessionCommand has no exitCode while running', async () => {
        const t = Date.now();
        const r = await p.executeSessionCommand(sid, { command: script, runAsync: true });
        log(`  -> ${JSON.stringify(r)} in ${Date.now() - t} ms`);
        cmdId = r.cmdId;
        ok(typeof cmdId === 'string' && cmdId.length > 0, 'cmdId of an async command', r);
        ok(Date.now() - t < 1000, 'async exec returns before the command ends (1.2 s)', Date.now() - t);
        const c = await p.getSessionCommand(sid, cmdId);
        log(`  running -> ${JSON.stringify(c)}`);
        eq(c.id, cmdId, 'command id');
        eq(c.command, script, 'command text');
        ok(c.exitCode === undefined || c.exitCode === null, 'no exitCode while running', c.exitCode);
    });

    await step('followed logs (WebSocket) deliver stdout and stderr separately and end when the command ends', async () => {
        let out = '';
        let err = '';
        await withDeadline('followed logs', 20_000, p.getSessionCommandLogs(sid, cmdId, (s) => { out += s; }, (s) => { err += s; }));
        eq(out, 'out1\nout2\nout3\n', 'stdout via onStdout');
        eq(err, 'err1\nerr2\nerr3\n', 'stderr via onStderr');
    });

    await step('getSessionCommand after completion has exitCode 0', async () => {
        let c;
        for (let i = 0; i < 50; i++) {
            c = await p.getSessionCommand(sid, cmdId);
            if (c.exitCode !== undefined && c.exitCode !== null) break;
            await sleep(100);
        }
        eq(c.exitCode, 0, 'exitCode of the finished async command');
    });

    await step('getSessionCommandLogs (JSON) after completion', async () => {
        const logs = await p.getSessionCommandLogs(sid, cmdId);
        log(`  -> ${JSON.stringify(logs)}`);
        eq(logs.stdout, 'out1\nout2\nout3\n', 'stdout');
        eq(logs.stderr, 'err1\nerr2\nerr3\n', 'stderr');
        eq([...logs.output.split('\n').filter(Boolean)].sort(), ['err1', 'err2', 'err3', 'out1', 'out2', 'out3'], 'output has both streams');
    });

    await step('followed logs of an already finished command replay everything and end', async () => {
        let out = '';
        let err = '';
        await withDeadline('followed logs (finished)', 10_000, p.getSessionCommandLogs(sid, cmdId, (s) => { out += s; }, (s) => { err += s; }));
        eq(out, 'out1\nout2\nout3\n', 'stdout replay');
        eq(err, 'err1\nerr2\nerr3\n', 'stderr replay');
    });

    await step('async exit code', async () => {
        const r = await p.executeSessionCommand(sid, { command: 'sleep 0.3; sh -c "exit 7"', runAsync: true });
        let c;
        for (let i = 0; i < 50; i++) {
            c = await p.getSessionCommand(sid, r.cmdId);
            if (c.exitCode !== undefined && c.exitCode !== null) break;
            await sleep(100);
        }
        eq(c.exitCode, 7, 'exitCode of the async failing command');
    });

    await step('sendSessionCommandInput feeds stdin of a running command', async () => {
        ok(typeof p.sendSessionCommandInput === 'function', 'sendSessionCommandInput exists in 0.218.0', typeof p.sendSessionCommandInput);
        const r = await p.executeSessionCommand(sid, { command: 'read line; echo "got:$line"', runAsync: true });
        await sleep(300);
        await p.sendSessionCommandInput(sid, r.cmdId, 'hello input\n');
        let c;
        for (let i = 0; i < 50; i++) {
            c = await p.getSessionCommand(sid, r.cmdId);
            if (c.exitCode !== undefined && c.exitCode !== null) break;
            await sleep(100);
        }
        eq(c.exitCode, 0, 'exitCode after input');
        const logs = await p.getSessionCommandLogs(sid, r.cmdId);
        log(`  -> ${JSON.stringify(logs)}`);
        ok(logs.stdout.includes('got:hello input'), 'stdout contains the echoed input', logs.stdout);
    });

    await step('sendSessionCommandInput with suppressInputEcho: true does not echo the input', async () => {
        const r = await p.executeSessionCommand(sid, { command: 'read line; echo "got:$line"', runAsync: true, suppressInputEcho: true });
        await sleep(300);
        await p.sendSessionCommandInput(sid, r.cmdId, 'secret\n');
        let c;
        for (let i = 0; i < 50; i++) {
            c = await p.getSessionCommand(sid, r.cmdId);
            if (c.exitCode !== undefined && c.exitCode !== null) break;
            await sleep(100);
        }
        eq(c.exitCode, 0, 'exitCode after input');
        const logs = await p.getSessionCommandLogs(sid, r.cmdId);
        log(`  -> ${JSON.stringify(logs)}`);
        eq(logs.stdout, 'got:secret\n', 'stdout without the echoed input');
    });

    await step('getSession and listSessions', async () => {
        const s = await p.getSession(sid);
        log(`  getSession -> ${JSON.stringify(s).slice(0, 400)}`);
        eq(s.sessionId, sid, 'sessionId');
        ok(Array.isArray(s.commands) && s.commands.length >= 9, 'commands listed (>= 9)', s.commands);
        ok(s.commands.some((c) => c.id === cmdId && c.exitCode === 0), 'the async command is listed with exitCode 0', s.commands);
        const all = await p.listSessions();
        ok(all.some((x) => x.sessionId === sid), 'listSessions contains the session', all.map((x) => x.sessionId));
    });

    await step('deleteSession; then getSession -> DaytonaNotFoundError', async () => {
        await p.deleteSession(sid);
        await expectError('getSession(deleted)', () => p.getSession(sid), DaytonaNotFoundError);
        const all = await p.listSessions();
        ok(!all.some((x) => x.sessionId === sid), 'listSessions no longer contains it', all.map((x) => x.sessionId));
    });

    await step('executeSessionCommand on an unknown session -> DaytonaNotFoundError', async () => {
        await expectError('exec in unknown session', () => p.executeSessionCommand('no-such-session', { command: 'echo x' }), DaytonaNotFoundError);
    });
});
