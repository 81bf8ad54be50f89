// Shared helpers for the SDK scenarios: client, assertions, sandbox tracking and cleanup.
// Every scenario is a plain script: `node scenarios/NN-x.mjs` exits 0 on success, 1 on the first mismatch.
import { inspect, isDeepStrictEqual } from 'node:util';
import { Daytona, DaytonaError, DaytonaServiceUnavailableError } from '@daytonaio/sdk';

export const RUN_ID = process.env.BERTH_SDK_RUN_ID || `r${Date.now().toString(36)}`;
export const TEST_LABEL = 'berth-sdk-test';
const SCENARIO = process.argv[1]?.split('/').pop()?.replace(/\.mjs$/, '') ?? 'scenario';
const DEFAULT_SNAPSHOT_WAIT_MS = Number(process.env.BERTH_SDK_DEFAULT_SNAPSHOT_WAIT_S || 300) * 1000;

let client;
/** One Daytona client per process, configured from DAYTONA_API_URL / DAYTONA_API_KEY (SDK defaults otherwise). */
export function daytona() {
    if (!client) {
        for (const v of ['DAYTONA_API_URL', 'DAYTONA_API_KEY']) {
            if (!process.env[v]) throw new Error(`${v} is not set`);
        }
        client = new Daytona();
    }
    return client;
}

// ---------------------------------------------------------------- logging and assertions

const t0 = Date.now();
export function log(...args) {
    const s = ((Date.now() - t0) / 1000).toFixed(2).padStart(7);
    console.log(`[${SCENARIO} ${s}s]`, ...args);
}

export class Mismatch extends Error {
    constructor(what, expected, actual) {
        super(`${what}\n    expected: ${show(expected)}\n    actual:   ${show(actual)}`);
        this.name = 'Mismatch';
    }
}

/** A failure that is reported by its message alone (no stack), like a Mismatch. */
export function failure(message) {
    const e = new Mismatch('', '', '');
    e.message = message;
    return e;
}

export function show(v) {
    if (Buffer.isBuffer(v)) {
        return `<Buffer ${v.length} bytes${v.length <= 64 ? ': ' + JSON.stringify(v.toString('latin1')) : ''}>`;
    }
    return inspect(v, { depth: 6, breakLength: 160, maxStringLength: 2000 });
}

export function eq(actual, expected, what) {
    if (!isDeepStrictEqual(actual, expected)) throw new Mismatch(what, expected, actual);
}

export function ok(cond, what, actual) {
    if (!cond) throw new Mismatch(what, 'condition to hold', actual);
}

/** Output of a one-shot exec: the daemon may or may not keep one trailing newline; nothing else differs. */
export function eqOutput(actual, expected, what) {
    if (typeof actual !== 'string' || actual.replace(/\r?\n$/, '') !== expected) {
        throw new Mismatch(what, `${JSON.stringify(expected)} (optionally + one trailing newline)`, actual);
    }
}

/** Runs fn, expects it to throw an instance of every class in `classes`; returns the error. */
export async function expectError(what, fn, ...classes) {
    let result;
    try {
        result = await fn();
    } catch (e) {
        for (const c of classes) {
            if (!(e instanceof c)) {
                throw new Mismatch(`${what}: wrong error type`, `an instance of ${c.name}`,
                    `${e?.constructor?.name}: ${e?.message} (statusCode=${e?.statusCode}, code=${e?.code}, source=${e?.source})`);
            }
        }
        log(`  ${what}: got ${e.constructor.name} (statusCode=${e.statusCode}, code=${e.code}): ${e.message}`);
        return e;
    }
    throw new Mismatch(`${what}: expected an error`, classes.map((c) => c.name).join(' & '), result);
}

/** A named step: logs its duration; a failure names the step. */
export async function step(name, fn) {
    const start = Date.now();
    try {
        const r = await fn();
        log(`ok   ${name} (${Date.now() - start} ms)`);
        return r;
    } catch (e) {
        log(`FAIL ${name} (${Date.now() - start} ms)`);
        if (e && typeof e === 'object' && !e.step) e.step = name;
        throw e;
    }
}

export function sleep(ms) {
    return new Promise((r) => setTimeout(r, ms));
}

export async function withDeadline(what, ms, promise) {
    let timer;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
    });
    try {
        return await Promise.race([promise, timeout]);
    } finally {
        clearTimeout(timer);
    }
}

// ---------------------------------------------------------------- sandboxes

const created = new Map(); // id -> Sandbox

/**
 * Creates a sandbox labelled for cleanup. Without a snapshot, retries while the server answers 503
 * (the default snapshot is still being prepared), up to BERTH_SDK_DEFAULT_SNAPSHOT_WAIT_S seconds.
 */
export async function createSandbox(params = {}, options = {}) {
    const labels = { ...(params.labels ?? {}), [TEST_LABEL]: RUN_ID, 'berth-sdk-scenario': SCENARIO };
    const deadline = Date.now() + DEFAULT_SNAPSHOT_WAIT_MS;
    for (let attempt = 1; ; attempt++) {
        try {
            const sb = await daytona().create({ ...params, labels }, { timeout: 120, ...options });
            created.set(sb.id, sb);
            return sb;
        } catch (e) {
            if (e instanceof DaytonaServiceUnavailableError && Date.now() < deadline) {
                if (attempt === 1 || attempt % 10 === 0) log(`  create: 503 (${e.message}); retrying until the snapshot is ready`);
                await sleep(3000);
                continue;
            }
            throw e;
        }
    }
}

export function forget(sandbox) {
    created.delete(sandbox.id);
}

async function cleanup() {
    const ids = [...created.keys()];
    created.clear();
    await Promise.all(ids.map(async (id) => {
        try {
            await daytona().delete(await daytona().get(id), 60);
            log(`cleanup: deleted sandbox ${id}`);
        } catch (e) {
            if (e?.statusCode === 404) return;
            log(`cleanup: could not delete sandbox ${id}: ${e?.constructor?.name}: ${e?.message}`);
        }
    }));
}

function describe(e) {
    if (e instanceof Mismatch) return e.message;
    if (e instanceof DaytonaError) {
        return `${e.constructor.name}: ${e.message} (statusCode=${e.statusCode}, code=${e.code}, source=${e.source})`;
    }
    return e?.stack ?? String(e);
}

/** Runs a scenario body; always deletes the sandboxes it created; exits non-zero on failure. */
export async function scenario(body) {
    let exitCode = 0;
    let stopping = false;
    const onSignal = async (sig) => {
        if (stopping) return;
        stopping = true;
        log(`received ${sig}; cleaning up`);
        await cleanup();
        process.exit(130);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
        await body();
        log('PASS');
    } catch (e) {
        exitCode = 1;
        console.error(`\n[${SCENARIO}] FAILED${e?.step ? ` in step "${e.step}"` : ''}: ${describe(e)}\n`);
    } finally {
        await cleanup();
    }
    process.exit(exitCode);
}
