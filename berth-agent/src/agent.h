/*
 * berth-agent internals shared by its files: agent.c (start-up), loop.c (the poll loop), conn.c (connections,
 * framing, authentication, dispatch), spawn.c (processes), child.c (fork to exec), terminal.c (detached
 * terminals), files.c (file operations), entrypoint.c (the entrypoint and its log ring).
 * See docs/agent-protocol.md for the wire protocol.
 */
#ifndef BERTH_AGENT_H
#define BERTH_AGENT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "fsops.h"
#include "proto.h"
#include "users.h"

#include <dirent.h>
#include <ftw.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define AGENT_VERSION "berth-agent/0.1.0"
#define MAX_CONNS 256
#define MAX_DETACHED 64 /* detached processes alive at once (session shells, terminals) */
#define OUT_CAP (192u * 1024u)          /* producers stop when less than OUT_RESERVE free */
#define OUT_RESERVE (CHUNK_MAX + 8192u) /* room for the largest frame we produce */
#define OUT_ALLOC (OUT_CAP + 8192u)     /* slack for small control frames */
#define PIPE_CHUNK (32u * 1024u)
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

extern char **environ;

enum cstate { C_AUTH, C_HELLO, C_REQ, C_SPAWN, C_READ, C_LIST, C_WRITE, C_LOGS };

struct proc;

struct conn {
    int fd;
    enum cstate st;
    uint8_t *in;
    size_t in_len, in_cap;
    uint8_t *out;
    size_t out_off, out_len;
    int closing; /* close once out is flushed */
    struct proc *proc;
    int file_fd;          /* READ: source; WRITE: temp file */
    uint64_t remaining;   /* READ */
    DIR *dir;             /* LIST */
    char *tmp_path;       /* WRITE */
    char *final_path;     /* WRITE */
    uint64_t log_pos;     /* LOGS */
    uint64_t log_end;     /* LOGS without follow: stop here */
    int log_follow;
};

struct proc {
    struct proc *next;
    pid_t pid;
    int out_fd, err_fd, in_fd; /* pty: out_fd is the master, in_fd == -1, err_fd == -1 */
    int pty;
    uint8_t *stdin_buf;
    size_t stdin_off, stdin_len;
    int stdin_close_pending;
    int exited, status, timed_out;
    int detach; /* SPAWN_DETACH: survives its connection */
    int64_t deadline; /* ms, CLOCK_MONOTONIC; 0 = none */
    struct conn *conn;
};

/* what a child that failed before exec reports on its close-on-exec pipe */
struct child_err {
    int stage;
    int err;
};

/* ------------------------------------------------------------------ state (agent.c) */

extern struct conn *conns[MAX_CONNS];
extern int nconns;
extern struct proc *procs;
extern int listen_fd, sig_fd;
extern const char *socket_path;
/* This sandbox's token (see load_token); empty = none, and then every connection is refused. */
extern char auth_token[AUTH_TOKEN_MAX + 1];
extern size_t auth_token_len;
extern char token_path[4096];
extern char token_problem[256];
extern int opt_exit_with_entrypoint;
extern int got_term;
extern int had_conns;

/* entrypoint */
extern pid_t ep_pid;
extern int ep_running, ep_out, ep_err, ep_status;
extern int ep_started;

/* entrypoint log ring: records [u8 stream][u32 len][data], absolute offsets */
extern uint8_t *ring;
extern size_t ring_cap;
extern uint64_t ring_head, ring_tail;





/* ------------------------------------------------------------------ agent.c */
void logmsg(const char *fmt, ...);
int64_t now_ms(void);
void set_nonblock(int fd);
void clear_sessions(void);
void shutdown_and_exit(int code);
void handle_signals(void);
int setup_socket(const char *path);
void usage(void);

/* ------------------------------------------------------------------ loop.c */
int run_loop(void);

/* ------------------------------------------------------------------ conn.c */
size_t out_free(struct conn *c);
int out_ensure(struct conn *c);
uint8_t *frame_begin(struct conn *c, size_t *cap);
void frame_end(struct conn *c, uint8_t type, size_t payload_len);
void send_frame(struct conn *c, uint8_t type, const void *data, size_t len);
void send_error(struct conn *c, int err, const char *fmt, ...);
void send_ok_close(struct conn *c);
void conn_free(struct conn *c);
int conn_flush(struct conn *c);
void auth(struct conn *c, struct req *r);
void load_token(void);
void handle_frame(struct conn *c, uint8_t type, const uint8_t *payload, size_t plen);
int conn_can_process(struct conn *c);
void conn_process(struct conn *c);
int conn_read(struct conn *c);
void conn_pump(struct conn *c);
void do_accept(void);

/* ------------------------------------------------------------------ spawn.c */
void proc_close_fds(struct proc *p);
void proc_unlink_free(struct proc *p);
void proc_detach(struct proc *p);
void child_fail(int fd, int stage, int err);
int env_key_eq(const char *a, const char *b);
int env_find(char **env, int n, const char *key);
void env_set(char **env, int *n, const char *entry, int override);
char *mkentry(const char *k, const char *v);
char **child_env(const struct req *r, const struct user_info *u, int have_user);
void child_exec(char **argv, char **env, int errfd);
void child_reset_signals(void);
const char *stage_name(int stage);
void do_spawn(struct conn *c, struct req *r);
void proc_write_stdin(struct proc *p);
int proc_read_stream(struct proc *p, int *fdp, uint8_t type);
void proc_service(struct proc *p);
void reap(void);
void check_timeouts(int64_t now);

ssize_t read_child_err(int fd, struct child_err *ce);

/* ------------------------------------------------------------------ terminal.c */
void op_attach(struct conn *c, struct req *r);
void op_pty_resize(struct conn *c, struct req *r);
void proc_drain(uint32_t pid);

/* ------------------------------------------------------------------ files.c */
void send_stat(struct conn *c, const struct stat *st, const char *target);
int read_link(int dfd, const char *name, char *buf, size_t cap);
void op_stat(struct conn *c, struct req *r);
void pump_list(struct conn *c);
void op_list(struct conn *c, struct req *r);
void pump_read(struct conn *c);
void op_read(struct conn *c, struct req *r);
int resolve_owner(const char *user, const char *group, uid_t *uid, gid_t *gid);
void op_write(struct conn *c, struct req *r);
void write_data(struct conn *c, const uint8_t *d, size_t n);
void write_finish(struct conn *c);
void op_simple(struct conn *c, struct req *r);

/* ------------------------------------------------------------------ entrypoint.c */
void ring_copy_in(uint64_t pos, const uint8_t *src, size_t n);
void ring_copy_out(uint64_t pos, uint8_t *dst, size_t n);
void ring_append(uint8_t stream, const uint8_t *d, size_t n);
int ep_done(void);
void pump_logs(struct conn *c);
void op_logs(struct conn *c, struct req *r);
void tee_out(int fd, const uint8_t *d, size_t n);
int ep_read(int *fdp, uint8_t stream);
void ep_service(void);
void start_entrypoint(char **argv);
extern const char *hold_path;
extern char **held_argv;
int relay_main(const char *port); /* relay.c: `--relay PORT` */

#endif
