// Git on local repositories in the default snapshot: init, status, add, commit, branches, createBranch,
// checkoutBranch, deleteBranch, typed git errors. (clone/push/pull: 09-git-remote.mjs)
import { DaytonaError } from '@daytonaio/sdk';
import { scenario, step, createSandbox, eq, ok, eqOutput, expectError, log } from '../lib.mjs';

const REPO = '/tmp/sdk-repo';
const AUTHOR = 'SDK Tester';
const EMAIL = 'sdk@example.test';

await scenario(async () => {
    const sb = await step('create default sandbox', () => createSandbox());
    const g = sb.git;
    const sh = async (cmd) => {
        const r = await sb.process.executeCommand(cmd);
        if (r.exitCode !== 0) throw new Error(`helper command failed (${r.exitCode}): ${cmd}\n${r.result}`);
        return r.result.replace(/\n$/, '');
    };
    const byName = (st) => Object.fromEntries(st.fileStatus.map((f) => [f.name, `${f.staging}/${f.worktree}`]));

    await step("git.init(path, false, 'main')", async () => {
        await g.init(REPO, false, 'main');
        eqOutput(await sh(`git -C ${REPO} rev-parse --is-inside-work-tree`), 'true', 'a work tree exists');
    });

    await sb.fs.uploadFiles([
        { destination: `${REPO}/README.md`, source: Buffer.from('# repo\n') },
        { destination: `${REPO}/src/app.py`, source: Buffer.from('print("app")\n') },
    ]);

    await step('status of a fresh repo with untracked files', async () => {
        const st = await g.status(REPO);
        log(`  -> ${JSON.stringify(st)}`);
        eq(st.currentBranch, 'main', 'currentBranch');
        const m = byName(st);
        ok(m['README.md']?.endsWith('/Untracked'), 'README.md untracked in the worktree', st.fileStatus);
        ok(Object.keys(m).some((n) => n.startsWith('src/')), 'src/ (or src/app.py) listed', st.fileStatus);
    });

    await step('add(["README.md"]) stages exactly that file', async () => {
        await g.add(REPO, ['README.md']);
        const m = byName(await g.status(REPO));
        eq(m['README.md'], 'Added/Unmodified', 'README.md staging/worktree after add');
    });

    let first;
    await step('add(["."]) + commit -> sha of HEAD, author recorded', async () => {
        await g.add(REPO, ['.']);
        const st = await g.status(REPO);
        eq(byName(st)['src/app.py'], 'Added/Unmodified', 'src/app.py staging/worktree after add .');
        first = await g.commit(REPO, 'first commit', AUTHOR, EMAIL);
        log(`  commit -> ${JSON.stringify(first)}`);
        ok(/^[0-9a-f]{40}$/.test(first.sha), 'sha is 40 hex chars', first.sha);
        eq(await sh(`git -C ${REPO} rev-parse HEAD`), first.sha, 'HEAD equals the returned sha');
        eq(await sh(`git -C ${REPO} log -1 --format='%an <%ae>|%s'`), `${AUTHOR} <${EMAIL}>|first commit`, 'author and message');
        eq((await g.status(REPO)).fileStatus, [], 'clean status after commit');
    });

    await step('modified file shows as Modified; commit with allowEmpty', async () => {
        await sb.fs.uploadFile(Buffer.from('# repo\nmore\n'), `${REPO}/README.md`);
        eq(byName(await g.status(REPO))['README.md'], 'Unmodified/Modified', 'README.md after editing');
        await g.add(REPO, ['README.md']);
        eq(byName(await g.status(REPO))['README.md'], 'Modified/Unmodified', 'README.md after add');
        await g.commit(REPO, 'second', AUTHOR, EMAIL);
        const empty = await g.commit(REPO, 'empty commit', AUTHOR, EMAIL, true);
        eq(await sh(`git -C ${REPO} rev-list --count HEAD`), '3', 'commit count');
        eq(await sh(`git -C ${REPO} rev-parse HEAD`), empty.sha, 'HEAD is the empty commit');
    });

    await step('branches / createBranch / checkoutBranch / deleteBranch', async () => {
        const b0 = await g.branches(REPO);
        log(`  branches -> ${JSON.stringify(b0)}`);
        eq(b0.branches, ['main'], 'branches of a fresh repo');
        // Daytona's daemon creates the branch with go-git Checkout{Create: true}: it also switches to it
        await g.createBranch(REPO, 'feature');
        eq([...(await g.branches(REPO)).branches].sort(), ['feature', 'main'], 'branches after createBranch');
        eq((await g.status(REPO)).currentBranch, 'feature', 'createBranch switches to the new branch (Daytona semantics)');
        await sb.fs.uploadFile(Buffer.from('feature\n'), `${REPO}/feature.txt`);
        await g.add(REPO, ['feature.txt']);
        await g.commit(REPO, 'on feature', AUTHOR, EMAIL);
        await g.checkoutBranch(REPO, 'main');
        eq((await g.status(REPO)).currentBranch, 'main', 'currentBranch after checkoutBranch(main)');
        await expectError('feature.txt is absent on main', () => sb.fs.getFileDetails(`${REPO}/feature.txt`), DaytonaError);
        await g.checkoutBranch(REPO, 'feature');
        eq((await g.status(REPO)).currentBranch, 'feature', 'currentBranch after checkoutBranch(feature)');
        eq((await sb.fs.downloadFile(`${REPO}/feature.txt`)).toString(), 'feature\n', 'feature.txt is back on feature');
        await g.checkoutBranch(REPO, 'main');
        await g.createBranch(REPO, 'scratch');
        await g.checkoutBranch(REPO, 'main');
        await g.deleteBranch(REPO, 'scratch');
        eq([...(await g.branches(REPO)).branches].sort(), ['feature', 'main'], 'branches after deleteBranch');
        eq((await g.status(REPO)).currentBranch, 'main', 'still on main');
    });

    await step('errors: createBranch of an existing branch, checkout of a missing one, status of a non-repo', async () => {
        await expectError('createBranch(existing)', () => g.createBranch(REPO, 'feature'), DaytonaError);
        await expectError('checkoutBranch(missing)', () => g.checkoutBranch(REPO, 'no-such-branch'), DaytonaError);
        await sb.fs.createFolder('/tmp/not-a-repo', '755');
        await expectError('status(non-repo)', () => g.status('/tmp/not-a-repo'), DaytonaError);
    });
});
