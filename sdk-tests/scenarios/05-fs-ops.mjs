// fs.listFiles / searchFiles / findFiles / replaceInFiles / createFolder / getFileDetails / moveFiles /
// deleteFile / setFilePermissions on the default snapshot.
import { DaytonaError, DaytonaNotFoundError } from '@daytonaio/sdk';
import { scenario, step, createSandbox, eq, ok, eqOutput, expectError, log } from '../lib.mjs';

const ROOT = '/tmp/sdk-fs';

await scenario(async () => {
    const sb = await step('create default sandbox', () => createSandbox());
    const exec = async (cmd) => {
        const r = await sb.process.executeCommand(cmd);
        if (r.exitCode !== 0) throw new Error(`helper command failed (${r.exitCode}): ${cmd}\n${r.result}`);
        return r.result;
    };

    await step('createFolder(path, "755") and nested', async () => {
        await sb.fs.createFolder(ROOT, '755');
        await sb.fs.createFolder(`${ROOT}/src`, '755');
        await sb.fs.createFolder(`${ROOT}/src/deep/er`, '700');
        eqOutput(await exec(`stat -c %a ${ROOT}/src`), '755', 'mode of the created folder');
        eqOutput(await exec(`stat -c %a ${ROOT}/src/deep/er`), '700', 'mode of a nested folder created with 700');
    });

    await sb.fs.uploadFiles([
        { destination: `${ROOT}/src/a.txt`, source: Buffer.from('alpha\nneedle one\nomega\n') },
        { destination: `${ROOT}/src/b.txt`, source: Buffer.from('no match here\n') },
        { destination: `${ROOT}/src/c.py`, source: Buffer.from('x = "needle"\nprint(x)\n') },
        { destination: `${ROOT}/src/deep/d.txt`, source: Buffer.from('deep needle\n') },
    ]);

    await step('listFiles(dir)', async () => {
        const files = await sb.fs.listFiles(`${ROOT}/src`);
        log(`  first entry: ${JSON.stringify(files[0])}`);
        eq(files.map((f) => f.name).sort(), ['a.txt', 'b.txt', 'c.py', 'deep'], 'names listed (one level)');
        const a = files.find((f) => f.name === 'a.txt');
        eq(a.isDir, false, 'a.txt isDir');
        eq(a.size, 23, 'a.txt size');
        eq(files.find((f) => f.name === 'deep').isDir, true, 'deep isDir');
        for (const f of files) {
            for (const k of ['name', 'isDir', 'size', 'mode', 'permissions', 'owner', 'group', 'modifiedAt']) {
                ok(f[k] !== undefined && f[k] !== null, `FileInfo.${k} present for ${f.name}`, f);
            }
        }
        ok(!Number.isNaN(Date.parse(a.modifiedAt)), 'modifiedAt is an RFC 3339 time', a.modifiedAt);
    });

    await step('listFiles(dir, {depth: 2}) includes children of subdirectories', async () => {
        const files = await sb.fs.listFiles(`${ROOT}/src`, { depth: 2 });
        const names = files.map((f) => f.path ?? f.name);
        log(`  depth 2: ${JSON.stringify(names)}`);
        ok(files.some((f) => f.name === 'd.txt'), 'deep/d.txt is listed at depth 2', names);
    });

    await step('getFileDetails(file) and (dir)', async () => {
        const f = await sb.fs.getFileDetails(`${ROOT}/src/a.txt`);
        log(`  -> ${JSON.stringify(f)}`);
        eq(f.name, 'a.txt', 'name');
        eq(f.isDir, false, 'isDir');
        eq(f.size, 23, 'size');
        const d = await sb.fs.getFileDetails(`${ROOT}/src/deep/er`);
        eq(d.isDir, true, 'isDir of a folder');
        eq(d.permissions, '0700', 'permissions of a 700 folder (Daytona: %04o)');
        eq(d.mode, 'drwx------', 'mode of a 700 folder (Daytona: Go FileMode.String())');
    });

    await step('searchFiles(path, "*.txt") matches names recursively', async () => {
        const r = await sb.fs.searchFiles(ROOT, '*.txt');
        log(`  -> ${JSON.stringify(r)}`);
        eq([...r.files].sort(), [`${ROOT}/src/a.txt`, `${ROOT}/src/b.txt`, `${ROOT}/src/deep/d.txt`], 'files');
        const none = await sb.fs.searchFiles(ROOT, '*.nothing');
        eq(none.files ?? [], [], 'no match -> empty list');
    });

    await step('findFiles(path, "needle") greps contents', async () => {
        const r = await sb.fs.findFiles(ROOT, 'needle');
        log(`  -> ${JSON.stringify(r)}`);
        const got = r.map((m) => `${m.file}:${m.line}:${m.content}`).sort();
        eq(got, [`${ROOT}/src/a.txt:2:needle one`, `${ROOT}/src/c.py:1:x = "needle"`, `${ROOT}/src/deep/d.txt:1:deep needle`],
            'matches (file:line:content)');
        eq(await sb.fs.findFiles(ROOT, 'zzz-not-there'), [], 'no match -> empty array');
    });

    await step('replaceInFiles(files, "needle", "pin")', async () => {
        const files = [`${ROOT}/src/a.txt`, `${ROOT}/src/c.py`];
        const r = await sb.fs.replaceInFiles(files, 'needle', 'pin');
        log(`  -> ${JSON.stringify(r)}`);
        eq(r.length, 2, 'one result per file');
        for (const f of files) {
            const e = r.find((x) => x.file === f);
            ok(e && e.success === true && !e.error, `success for ${f}`, r);
        }
        eq((await sb.fs.downloadFile(`${ROOT}/src/a.txt`)).toString(), 'alpha\npin one\nomega\n', 'a.txt after replace');
        eq((await sb.fs.downloadFile(`${ROOT}/src/c.py`)).toString(), 'x = "pin"\nprint(x)\n', 'c.py after replace');
        eq((await sb.fs.downloadFile(`${ROOT}/src/deep/d.txt`)).toString(), 'deep needle\n', 'files not listed are untouched');
    });

    await step('setFilePermissions(file, {mode: "600"})', async () => {
        await sb.fs.setFilePermissions(`${ROOT}/src/b.txt`, { mode: '600' });
        eqOutput(await exec(`stat -c %a ${ROOT}/src/b.txt`), '600', 'mode inside the sandbox');
        const f = await sb.fs.getFileDetails(`${ROOT}/src/b.txt`);
        eq(f.permissions, '0600', 'permissions via getFileDetails');
        eq(f.mode, '-rw-------', 'mode via getFileDetails');
        await sb.fs.setFilePermissions(`${ROOT}/src/b.txt`, { mode: '755' });
        eqOutput(await exec(`stat -c %a ${ROOT}/src/b.txt`), '755', 'mode after 755');
    });

    await step('setFilePermissions(file, {owner, group}) when root', async () => {
        const uid = (await exec('id -u')).trim();
        if (uid !== '0') {
            log(`  skipped: sandbox user has uid ${uid}`);
            return;
        }
        await sb.fs.setFilePermissions(`${ROOT}/src/b.txt`, { owner: 'nobody', group: 'nogroup' });
        eqOutput(await exec(`stat -c %U:%G ${ROOT}/src/b.txt`), 'nobody:nogroup', 'owner:group inside the sandbox');
    });

    await step('moveFiles(file) renames; moveFiles(dir) moves a tree', async () => {
        await sb.fs.moveFiles(`${ROOT}/src/b.txt`, `${ROOT}/src/b-renamed.txt`);
        await expectError('getFileDetails(old name)', () => sb.fs.getFileDetails(`${ROOT}/src/b.txt`), DaytonaNotFoundError);
        eq((await sb.fs.getFileDetails(`${ROOT}/src/b-renamed.txt`)).size, 14, 'size of the renamed file');
        await sb.fs.moveFiles(`${ROOT}/src/deep`, `${ROOT}/moved-deep`);
        eq((await sb.fs.downloadFile(`${ROOT}/moved-deep/d.txt`)).toString(), 'deep needle\n', 'file inside the moved dir');
        eq((await sb.fs.listFiles(`${ROOT}/src`)).map((f) => f.name).sort(), ['a.txt', 'b-renamed.txt', 'c.py'], 'src after the moves');
    });

    await step('moveFiles of a missing source fails', async () => {
        await expectError('moveFiles(missing)', () => sb.fs.moveFiles(`${ROOT}/nope`, `${ROOT}/nope2`), DaytonaError);
    });

    await step('deleteFile(file); deleteFile(non-empty dir) fails; deleteFile(dir, true)', async () => {
        await sb.fs.deleteFile(`${ROOT}/src/c.py`);
        await expectError('getFileDetails(deleted)', () => sb.fs.getFileDetails(`${ROOT}/src/c.py`), DaytonaNotFoundError);
        await expectError('deleteFile(non-empty dir, not recursive)', () => sb.fs.deleteFile(`${ROOT}/moved-deep`), DaytonaError);
        eq((await sb.fs.getFileDetails(`${ROOT}/moved-deep`)).isDir, true, 'the non-empty dir still exists');
        await sb.fs.deleteFile(`${ROOT}/moved-deep`, true);
        await expectError('getFileDetails(deleted dir)', () => sb.fs.getFileDetails(`${ROOT}/moved-deep`), DaytonaNotFoundError);
        eq((await sb.fs.listFiles(ROOT)).map((f) => f.name), ['src'], 'root after the deletes');
    });

    await step('listFiles of a missing dir -> DaytonaNotFoundError', async () => {
        await expectError('listFiles(missing)', () => sb.fs.listFiles(`${ROOT}/missing`), DaytonaNotFoundError);
    });
});
