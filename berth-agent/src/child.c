/* The child side of a spawn, between fork and exec: environment, user, signals, failure reporting. */
#include "agent.h"

void child_fail(int fd, int stage, int err)
{
    struct child_err ce = {stage, err};
    ssize_t w = write(fd, &ce, sizeof(ce));
    (void)w;
    _exit(127);
}

int env_key_eq(const char *a, const char *b)
{
    while (*a && *a != '=' && *a == *b) {
        a++;
        b++;
    }
    return (*a == '=' || *a == 0) && (*b == '=' || *b == 0);
}

int env_find(char **env, int n, const char *key)
{
    for (int i = 0; i < n; i++)
        if (env_key_eq(env[i], key))
            return i;
    return -1;
}

void env_set(char **env, int *n, const char *entry, int override)
{
    int i = env_find(env, *n, entry);
    if (i >= 0) {
        if (override)
            env[i] = (char *)entry;
    } else {
        env[(*n)++] = (char *)entry;
    }
}

char *mkentry(const char *k, const char *v)
{
    size_t l = strlen(k) + strlen(v) + 2;
    char *s = malloc(l);
    if (s)
        snprintf(s, l, "%s=%s", k, v);
    return s;
}

/* Runs in the child after fork. */
char **child_env(const struct req *r, const struct user_info *u, int have_user)
{
    int base = 0;
    if (!(r->flags & SPAWN_ENV_REPLACE))
        for (char **e = environ; *e; e++)
            base++;
    char **env = calloc((size_t)base + r->envc + 8, sizeof(char *));
    if (!env)
        return NULL;
    int n = 0;
    if (!(r->flags & SPAWN_ENV_REPLACE)) {
        for (char **e = environ; *e; e++)
            if (strchr(*e, '='))
                env_set(env, &n, *e, 1);
        if (have_user) {
            /* user defaults override the base env, but not the request */
            env_set(env, &n, mkentry("HOME", u->home), 1);
            if (u->found) {
                env_set(env, &n, mkentry("USER", u->name), 1);
                env_set(env, &n, mkentry("LOGNAME", u->name), 1);
            }
        }
    }
    for (uint32_t i = 0; i < r->envc; i++)
        env_set(env, &n, r->env[i], 1);
    env_set(env, &n, "PATH=" DEFAULT_PATH, 0);
    if (r->flags & SPAWN_PTY)
        env_set(env, &n, "TERM=xterm-256color", 0);
    if (have_user && (r->flags & SPAWN_ENV_REPLACE))
        env_set(env, &n, mkentry("HOME", u->home), 0);
    env[n] = NULL;
    return env;
}

void child_exec(char **argv, char **env, int errfd)
{
    const char *file = argv[0];
    if (strchr(file, '/')) {
        execve(file, argv, env);
        child_fail(errfd, 4, errno);
    }
    const char *path = DEFAULT_PATH;
    for (char **e = env; *e; e++)
        if (!strncmp(*e, "PATH=", 5)) {
            path = *e + 5;
            break;
        }
    int saw_eacces = 0;
    char buf[PATH_MAX];
    size_t fl = strlen(file);
    const char *p = path;
    for (;;) {
        const char *colon = strchr(p, ':');
        size_t dl = colon ? (size_t)(colon - p) : strlen(p);
        if (dl + fl + 2 <= sizeof(buf)) {
            if (dl == 0) {
                memcpy(buf, file, fl + 1);
            } else {
                memcpy(buf, p, dl);
                buf[dl] = '/';
                memcpy(buf + dl + 1, file, fl + 1);
            }
            execve(buf, argv, env);
            if (errno == EACCES)
                saw_eacces = 1;
            else if (errno != ENOENT && errno != ENOTDIR && errno != ELOOP && errno != ENAMETOOLONG)
                child_fail(errfd, 4, errno);
        }
        if (!colon)
            break;
        p = colon + 1;
    }
    child_fail(errfd, 4, saw_eacces ? EACCES : ENOENT);
}

void child_reset_signals(void)
{
    sigset_t all;
    sigemptyset(&all);
    for (int s = 1; s < NSIG; s++)
        if (s != SIGKILL && s != SIGSTOP)
            signal(s, SIG_DFL);
    sigprocmask(SIG_SETMASK, &all, NULL);
}

const char *stage_name(int stage)
{
    switch (stage) {
    case 1: return "resolve user";
    case 2: return "set user";
    case 3: return "chdir";
    case 4: return "exec";
    case 5: return "pty";
    default: return "spawn";
    }
}

/* Waits for the child's report on the close-on-exec pipe and closes it: sizeof(*ce) = the child failed before
   exec (*ce says where), 0 = it exec'd. */
ssize_t read_child_err(int fd, struct child_err *ce)
{
    ssize_t n;
    do {
        n = read(fd, ce, sizeof(*ce));
    } while (n < 0 && errno == EINTR);
    close(fd);
    return n;
}
