/*
 * berth-agent: PID-1 init + control daemon for Berth sandboxes.
 *
 * Single-threaded poll() loop. One UNIX-socket connection per operation.
 * See docs/agent-protocol.md for the wire protocol.
 */
#include "agent.h"

struct conn *conns[MAX_CONNS];
int nconns;
struct proc *procs;
int listen_fd = -1, sig_fd = -1;
const char *socket_path;
/* This sandbox's token (see load_token); empty = none, and then every connection is refused. */
char auth_token[AUTH_TOKEN_MAX + 1];
size_t auth_token_len;
char token_path[4096];
char token_problem[256];
int opt_exit_with_entrypoint;
/* --hold-until PATH: the entrypoint waits until PATH exists (the runner creates it once the sandbox's network
   policy is in place, so no code of the sandbox runs before it); NULL = start at once */
const char *hold_path;
char **held_argv;
int got_term;
int had_conns; /* trim the heap when the last connection is gone */

/* entrypoint */
pid_t ep_pid;
int ep_running, ep_out = -1, ep_err = -1, ep_status;
int ep_started;

/* entrypoint log ring: records [u8 stream][u32 len][data], absolute offsets */
uint8_t *ring;
size_t ring_cap = 1u << 20;
uint64_t ring_head, ring_tail;

/* Toolbox sessions and terminals keep their state in the sandbox (see docs/toolbox.md); none of their processes
   outlives a restart, so as init the agent starts with none. */
#define SESSIONS_DIR "/tmp/.berth/sessions"
#define TERMINALS_DIR "/tmp/.berth-pty"


void logmsg(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n > sizeof(buf) - 2)
        n = sizeof(buf) - 2;
    buf[n++] = '\n';
    ssize_t w = write(2, "berth-agent: ", 13);
    w = write(2, buf, (size_t)n);
    (void)w;
}

int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

void clear_sessions(void)
{
    nftw(SESSIONS_DIR, rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
    nftw(TERMINALS_DIR, rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

void shutdown_and_exit(int code)
{
    for (struct proc *p = procs; p; p = p->next)
        if (!p->exited)
            kill(-p->pid, SIGKILL);
    if (socket_path)
        unlink(socket_path);
    exit(code);
}

void handle_signals(void)
{
    struct signalfd_siginfo si;
    while (read(sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        int s = (int)si.ssi_signo;
        if (s == SIGCHLD) {
            continue;
        }
        if (ep_running) {
            kill(ep_pid, s);
            if (s == SIGTERM || s == SIGINT)
                got_term = 1;
        } else if (s == SIGTERM || s == SIGINT) {
            shutdown_and_exit(0);
        }
    }
    reap();
}

int setup_socket(const char *path)
{
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sa.sun_path)) {
        logmsg("socket path too long");
        return -1;
    }
    strcpy(sa.sun_path, path);
    char dir[sizeof(sa.sun_path)];
    strcpy(dir, path);
    char *sl = strrchr(dir, '/');
    if (sl && sl != dir) {
        *sl = 0;
        fs_mkdir_p(dir, 0700, 0);
    }
    unlink(path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    mode_t old = umask(0177);
    int rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
    umask(old);
    if (rc != 0 || chmod(path, 0600) != 0 || listen(fd, 128) != 0) {
        logmsg("bind %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

void usage(void)
{
    fprintf(stderr, "usage: berth-agent --socket PATH [--token-file PATH] [--log-buffer BYTES] [--exit-with-entrypoint] [--hold-until PATH] [--] [cmd args...]\n");
    exit(2);
}

/* Parses the command line into the settings; returns the entrypoint's argv (NULL = none). Exits on --version. */
static char **parse_args(int argc, char **argv)
{
    int i;
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--socket") && i + 1 < argc) {
            socket_path = argv[++i];
        } else if (!strcmp(argv[i], "--token-file") && i + 1 < argc) {
            snprintf(token_path, sizeof(token_path), "%s", argv[++i]);
        } else if (!strcmp(argv[i], "--log-buffer") && i + 1 < argc) {
            long v = strtol(argv[++i], NULL, 10);
            if (v < 4096 || v > (64L << 20))
                usage();
            ring_cap = (size_t)v;
        } else if (!strcmp(argv[i], "--hold-until") && i + 1 < argc) {
            hold_path = argv[++i];
        } else if (!strcmp(argv[i], "--exit-with-entrypoint")) {
            opt_exit_with_entrypoint = 1;
        } else if (!strcmp(argv[i], "--version")) {
            printf("%s protocol %u\n", AGENT_VERSION, PROTO_VERSION);
            exit(0);
        } else if (!strcmp(argv[i], "--")) {
            i++;
            break;
        } else if (argv[i][0] == '-') {
            usage();
        } else {
            break;
        }
    }
    if (!socket_path)
        usage();
    if (!token_path[0]) {
        /* default: agent.token next to the socket, where the runner writes it before every start */
        const char *sl = strrchr(socket_path, '/');
        if (sl)
            snprintf(token_path, sizeof(token_path), "%.*s/agent.token", (int)(sl - socket_path), socket_path);
        else
            snprintf(token_path, sizeof(token_path), "agent.token");
    }
    return i < argc ? argv + i : NULL;
}

/* Signals arrive on a signalfd (the loop forwards or handles them); returns -1 on failure. */
static int setup_signals(void)
{
    if (getpid() != 1)
        prctl(PR_SET_CHILD_SUBREAPER, 1);
    signal(SIGPIPE, SIG_IGN);
    sigset_t mask;
    sigemptyset(&mask);
    int fwd[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
    for (size_t k = 0; k < sizeof(fwd) / sizeof(fwd[0]); k++)
        sigaddset(&mask, fwd[k]);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    sig_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sig_fd < 0) {
        logmsg("signalfd: %s", strerror(errno));
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--relay"))
        return relay_main(argv[2]); /* a port relay run through SPAWN (relay.c), not an agent */
    char **ep_argv = parse_args(argc, argv);
    load_token();
    if (!auth_token_len)
        logmsg("no token (%s: %s): every connection will be refused", token_path, token_problem);
    if (setup_signals() < 0)
        return 1;
    /* per-connection buffers (64 KiB..1 MiB) come from mmap and go back to the kernel when freed,
       so RSS returns to its idle size after bursts */
    mallopt(M_MMAP_THRESHOLD, 32 * 1024);
    mallopt(M_TRIM_THRESHOLD, 64 * 1024);
    umask(022);
    if (getpid() == 1)
        clear_sessions();
    listen_fd = setup_socket(socket_path);
    if (listen_fd < 0)
        return 1;
    if (ep_argv && hold_path)
        held_argv = ep_argv; /* started by the loop once hold_path exists */
    else if (ep_argv)
        start_entrypoint(ep_argv);
    return run_loop();
}
