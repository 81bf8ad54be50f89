// Git with a remote, without network: a bare repository inside the sandbox as origin.
// git.init(bare), push (setUpstream), clone (file://), pull, remoteAdd/remotes, status ahead/behind.
import { DaytonaError } from '@daytonaio/sdk';
import { scenario, step, createSandbox, eq, ok, expectError, log } from '../lib.mjs';

const REPO = '/tmp/sdk-repo';
const ORIGIN = '/tmp/origin.git';
const CLONE = '/tmp/sdk-clone';
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

    await step('prepare: repo with one commit (executeCommand git), bare origin via git.init(path, true)', async () => {
        await sh(`sh -c 'git init -q -b main ${REPO} && cd ${REPO} && echo one > one.txt && git add . && ` +
            `git -c user.name=x -c user.email=x@x commit -q -m one'`);
        await g.init(ORIGIN, true);
        eq(await sh(`git -C ${ORIGIN} rev-parse --is-bare-repository`), 'true', 'origin is bare');
        await sh(`git -C ${REPO} remote add origin ${ORIGIN}`);
    });

    await step('status shows branchPublished=false before the first push', async () => {
        const st = await g.status(REPO);
        log(`  -> ${JSON.stringify(st)}`);
        eq(st.currentBranch, 'main', 'currentBranch');
        eq(st.branchPublished, false, 'branchPublished');
    });

    await step("push(path, undefined, undefined, 'main', 'origin', true)", async () => {
        await g.push(REPO, undefined, undefined, 'main', 'origin', true);
        eq(await sh(`git -C ${ORIGIN} rev-parse main`), await sh(`git -C ${REPO} rev-parse main`), 'origin main after push');
        const st = await g.status(REPO);
        log(`  -> ${JSON.stringify(st)}`);
        eq(st.branchPublished, true, 'branchPublished after push -u');
        eq([st.ahead, st.behind], [0, 0], 'ahead/behind after push');
    });

    await step("clone('file:///tmp/origin.git', path, 'main')", async () => {
        await g.clone(`file://${ORIGIN}`, CLONE, 'main');
        eq(await sh(`git -C ${CLONE} rev-parse HEAD`), await sh(`git -C ${REPO} rev-parse main`), 'clone HEAD');
        eq((await g.status(CLONE)).currentBranch, 'main', 'clone currentBranch');
    });

    await step('commit in the clone, status ahead=1, push() with defaults', async () => {
        await sb.fs.uploadFile(Buffer.from('from clone\n'), `${CLONE}/clone.txt`);
        await g.add(CLONE, ['.']);
        await g.commit(CLONE, 'from clone', AUTHOR, EMAIL);
        eq((await g.status(CLONE)).ahead, 1, 'ahead before push');
        await g.push(CLONE);
        eq((await g.status(CLONE)).ahead, 0, 'ahead after push');
    });

    await step('pull() brings the commit into the first repo', async () => {
        await g.pull(REPO);
        eq((await sb.fs.downloadFile(`${REPO}/clone.txt`)).toString(), 'from clone\n', 'pulled file');
        eq(await sh(`git -C ${REPO} log -1 --format=%s`), 'from clone', 'last commit message after pull');
    });

    await step('clone of a missing repository fails with a typed error', async () => {
        await expectError('clone(missing)', () => g.clone('file:///tmp/nope.git', '/tmp/nope-clone'), DaytonaError);
    });

    await step('remoteAdd / remotes', async () => {
        await g.remoteAdd(REPO, 'mirror', ORIGIN);
        const r = await g.remotes(REPO);
        log(`  remotes -> ${JSON.stringify(r)}`);
        const names = (r.remotes ?? []).map((x) => x.name).sort();
        eq(names, ['mirror', 'origin'], 'remote names');
        ok((r.remotes ?? []).every((x) => x.url === ORIGIN), 'remote urls', r);
    });
});
