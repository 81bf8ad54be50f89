// Runs every scenario in scenarios/ in order, each in its own Node process with a deadline,
// prints a pass/fail table with durations, deletes any sandbox a killed scenario left behind,
// and exits 1 if any scenario failed.  Usage: node run-all.mjs [name-filter...]
import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Daytona } from '@daytonaio/sdk';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const timeoutMs = Number(process.env.BERTH_SDK_SCENARIO_TIMEOUT_S || 420) * 1000;
const runId = process.env.BERTH_SDK_RUN_ID || `r${Date.now().toString(36)}`;

const all = readdirSync(join(here, 'scenarios')).filter((f) => /^\d+-.*\.mjs$/.test(f)).sort();
const chosen = filters.length ? all.filter((f) => filters.some((x) => f.includes(x))) : all;
if (!chosen.length) {
    console.error(`no scenario matches ${filters.join(' ')}; have: ${all.join(' ')}`);
    process.exit(2);
}

function runOne(file) {
    return new Promise((resolve) => {
        const start = Date.now();
        const child = spawn(process.execPath, [join(here, 'scenarios', file)], {
            stdio: 'inherit',
            env: { ...process.env, BERTH_SDK_RUN_ID: runId },
        });
        let timedOut = false;
        const timer = setTimeout(() => {
            timedOut = true;
            console.error(`[run-all] ${file}: no result after ${timeoutMs / 1000} s; stopping it`);
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 90_000).unref();
        }, timeoutMs);
        child.on('exit', (code, signal) => {
            clearTimeout(timer);
            const ok = code === 0 && !timedOut;
            resolve({ file, ok, ms: Date.now() - start, why: ok ? '' : timedOut ? 'timeout' : `exit ${code ?? signal}` });
        });
    });
}

async function sweep() {
    // anything a killed scenario could not delete: labelled with this run's id
    try {
        const daytona = new Daytona();
        const leftovers = [];
        for await (const sb of daytona.list({ labels: { 'berth-sdk-test': runId } })) leftovers.push(sb);
        for (const sb of leftovers) {
            try {
                await daytona.delete(sb, 60);
                console.log(`[run-all] swept leftover sandbox ${sb.id} (${sb.labels?.['berth-sdk-scenario']})`);
            } catch (e) {
                console.log(`[run-all] could not sweep ${sb.id}: ${e.message}`);
            }
        }
    } catch (e) {
        console.log(`[run-all] sweep skipped: ${e?.constructor?.name}: ${e?.message}`);
    }
}

const results = [];
for (const file of chosen) {
    console.log(`\n======== ${file}`);
    results.push(await runOne(file));
}
await sweep();

const lines = ['', 'scenario                         result   seconds'];
for (const r of results) {
    lines.push(`${r.file.replace(/\.mjs$/, '').padEnd(32)} ${(r.ok ? 'PASS' : 'FAIL').padEnd(8)} ${(r.ms / 1000).toFixed(1).padStart(7)}${r.why ? '   ' + r.why : ''}`);
}
const failed = results.filter((r) => !r.ok).length;
lines.push(`${results.length - failed}/${results.length} passed`);
console.log(lines.join('\n'));
if (process.env.BERTH_SDK_RESULTS) writeFileSync(process.env.BERTH_SDK_RESULTS, JSON.stringify(results, null, 2));
process.exit(failed ? 1 : 0);
