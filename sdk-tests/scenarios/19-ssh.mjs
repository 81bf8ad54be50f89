// createSshAccess / validateSshAccess / revokeSshAccess, and the sshCommand they answer driven with Debian's OpenSSH
// client (a command's output and exit status; refused once revoked). docs/ssh.md
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { DaytonaError } from '@daytonaio/sdk';
import { scenario, step, createSandbox, eq, ok, expectError, log } from '../lib.mjs';

/** Runs `sshCommand` + a remote command with OpenSSH (no host key prompts, no password prompts). */
function ssh(sshCommand, remote) {
    const m = /^ssh -p (\d+) ([A-Za-z0-9]+)@(\S+)$/.exec(sshCommand);
    ok(m, 'sshCommand is "ssh -p PORT TOKEN@HOST"', sshCommand);
    const r = spawnSync('ssh', ['-p', m[1], '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null',
        '-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR', '-o', 'ConnectTimeout=20', `${m[2]}@${m[3]}`, remote],
        { encoding: 'utf8', timeout: 60_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

await scenario(async () => {
    const sb = await step('create a busybox sandbox', () => createSandbox({ snapshot: 'berth/busybox' }));

    const access = await step('createSshAccess(30)', async () => {
        const a = await sb.createSshAccess(30);
        eq(a.sandboxId, sb.id, 'sandboxId');
        ok(/^[A-Za-z0-9]{43}$/.test(a.token), 'token: 43 letters and digits', a.token);
        ok(a.sshCommand.includes(`${a.token}@`), 'sshCommand carries the token as the user', a.sshCommand);
        const minutes = (new Date(a.expiresAt) - new Date(a.createdAt)) / 60000;
        eq(minutes, 30, 'expiresAt - createdAt in minutes');
        ok(a.id && a.updatedAt, 'id and updatedAt are set', a);
        return a;
    });

    await step('validateSshAccess(token) -> valid, this sandbox', async () => {
        const v = await sb.validateSshAccess(access.token);
        eq(v.valid, true, 'valid');
        eq(v.sandboxId, sb.id, 'sandboxId');
    });

    const haveSsh = existsSync('/usr/bin/ssh');
    if (haveSsh) {
        await step('ssh <sshCommand> "echo hi; exit 3" -> hi, exit status 3', async () => {
            const r = ssh(access.sshCommand, 'echo hi; exit 3');
            eq(r.stdout, 'hi\n', `stdout (stderr: ${r.stderr})`);
            eq(r.status, 3, 'exit status');
        });
    } else {
        log('  /usr/bin/ssh is missing (apt-get install openssh-client): the ssh steps are skipped');
    }

    await step('createSshAccess(0) and (1441) are refused', async () => {
        const e = await expectError('createSshAccess(0)', () => sb.createSshAccess(0), DaytonaError);
        eq(e.statusCode, 400, 'status');
        ok(e.message.includes('expiresInMinutes'), 'the message names expiresInMinutes', e.message);
        await expectError('createSshAccess(1441)', () => sb.createSshAccess(1441), DaytonaError);
    });

    await step('revokeSshAccess(token) -> not valid, ssh refused', async () => {
        await sb.revokeSshAccess(access.token);
        const v = await sb.validateSshAccess(access.token);
        eq(v.valid, false, 'valid after revoke');
        if (haveSsh) {
            const r = ssh(access.sshCommand, 'echo should-not-run');
            eq(r.status, 255, `exit status of a refused ssh (stderr: ${r.stderr})`);
            ok(!r.stdout.includes('should-not-run'), 'nothing ran', r.stdout);
        }
    });

    await step('validateSshAccess(made-up token) -> not valid', async () => {
        const v = await sb.validateSshAccess('A'.repeat(43));
        eq(v.valid, false, 'valid');
    });
});
