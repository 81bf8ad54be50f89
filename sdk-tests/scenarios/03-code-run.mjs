// process.codeRun on the default (Debian, python3) snapshot; the language comes from the code-toolbox-language label.
import { scenario, step, createSandbox, daytona, eq, eqOutput, log } from '../lib.mjs';

await scenario(async () => {
    const sb = await step('create default sandbox', () => createSandbox());
    await step("codeRun('print(6*7)')", async () => {
        const r = await sb.process.codeRun('print(6*7)');
        log(`  -> ${JSON.stringify(r)}`);
        eq(r.exitCode, 0, 'exitCode');
        eqOutput(r.result, '42', 'result');
    });
    await step('codeRun with argv and env', async () => {
        const r = await sb.process.codeRun('import os, sys\nprint(sys.argv[1:], os.environ["GREETING"])',
            { argv: ['a', 'b c'], env: { GREETING: 'hello' } });
        log(`  -> ${JSON.stringify(r)}`);
        eq(r.exitCode, 0, 'exitCode');
        eqOutput(r.result, "['a', 'b c'] hello", 'argv and env visible to the code');
    });
    await step('codeRun with multi-line code and quotes', async () => {
        const code = 'def f(x):\n    return x * 2\n\nfor i in range(3):\n    print("v=%d" % f(i), \'ok\')\n';
        const r = await sb.process.codeRun(code);
        eq(r.exitCode, 0, 'exitCode');
        eqOutput(r.result, 'v=0 ok\nv=2 ok\nv=4 ok', 'result');
    });
    await step('codeRun exit code of sys.exit(3)', async () => {
        const r = await sb.process.codeRun('import sys\nprint("bye")\nsys.exit(3)');
        log(`  -> ${JSON.stringify(r)}`);
        eq(r.exitCode, 3, 'exitCode');
    });
    await step('codeRun of an exception exits non-zero', async () => {
        const r = await sb.process.codeRun('raise ValueError("boom")');
        log(`  -> ${JSON.stringify(r)}`);
        eq(r.exitCode !== 0, true, 'exitCode non-zero');
    });
    await step('codeRun on a sandbox fetched with daytona.get()', async () => {
        const again = await daytona().get(sb.id);
        const r = await again.process.codeRun('print(6*7)');
        eqOutput(r.result, '42', 'result via get()');
    });
    await step('setLabels keeps code-toolbox-language (else codeRun on a fetched sandbox throws on the client)', async () => {
        const labels = await sb.setLabels({ ...sb.labels, team: 'sdk' });
        log(`  setLabels -> ${JSON.stringify(labels)}`);
        const again = await daytona().get(sb.id);
        eq(again.labels?.['code-toolbox-language'], 'python', 'label after setLabels (full map sent)');
        eq(again.labels?.team, 'sdk', 'new label');
        const r = await again.process.codeRun('print(6*7)');
        eqOutput(r.result, '42', 'codeRun after setLabels');
    });
});
