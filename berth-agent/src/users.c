#include "users.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DB_MAX (1u << 20)

struct db {
    const char *path;
    char *data;
    size_t len;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
    int loaded;
};

static struct db passwd_db = {.path = "/etc/passwd"};
static struct db group_db = {.path = "/etc/group"};

static void db_refresh(struct db *d)
{
    struct stat st;
    if (stat(d->path, &st) != 0 || !S_ISREG(st.st_mode)) {
        free(d->data);
        d->data = NULL;
        d->len = 0;
        d->loaded = 0;
        return;
    }
    if (d->loaded && st.st_dev == d->dev && st.st_ino == d->ino && st.st_size == d->size &&
        st.st_mtim.tv_sec == d->mtime.tv_sec && st.st_mtim.tv_nsec == d->mtime.tv_nsec)
        return;
    free(d->data);
    d->data = NULL;
    d->len = 0;
    d->loaded = 0;
    int fd = open(d->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return;
    size_t cap = st.st_size > 0 && (uint64_t)st.st_size < DB_MAX ? (size_t)st.st_size + 1 : 4096;
    char *buf = malloc(cap + 1);
    size_t len = 0;
    while (buf) {
        if (len == cap) {
            if (cap >= DB_MAX)
                break;
            char *nb = realloc(buf, cap * 2 + 1);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    if (!buf)
        return;
    buf[len] = 0;
    d->data = buf;
    d->len = len;
    d->dev = st.st_dev;
    d->ino = st.st_ino;
    d->size = st.st_size;
    d->mtime = st.st_mtim;
    d->loaded = 1;
}

void users_refresh(void)
{
    db_refresh(&passwd_db);
    db_refresh(&group_db);
}

static int parse_id(const char *s, unsigned long *out)
{
    if (!*s || strlen(s) > 10)
        return -1;
    unsigned long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (unsigned long)(*p - '0');
    }
    if (v > 0xFFFFFFFEul)
        return -1;
    *out = v;
    return 0;
}

/*
 * Iterate lines of a db, splitting into up to nf ':'-separated fields (pointers into a
 * scratch copy of the line). cb returns nonzero to stop.
 */
typedef int (*line_cb)(char **f, int nf, void *ctx);

static void db_each(struct db *d, int nf_max, line_cb cb, void *ctx)
{
    if (!d->data)
        return;
    const char *p = d->data, *end = d->data + d->len;
    char line[4096];
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
        const char *next = nl ? nl + 1 : end;
        if (ll < sizeof(line) && ll > 0 && p[0] != '#') {
            memcpy(line, p, ll);
            line[ll] = 0;
            char *f[8];
            int nf = 0;
            char *s = line;
            f[nf++] = s;
            while (nf < nf_max && (s = strchr(s, ':')) != NULL) {
                *s++ = 0;
                f[nf++] = s;
            }
            if (cb(f, nf, ctx))
                return;
        }
        p = next;
    }
}

struct find_ctx {
    const char *name;
    unsigned long id;
    int by_id;
    int found;
    char **out; /* copy of fields */
    char buf[2048];
    char *fields[8];
    int nf;
};

static int find_cb(char **f, int nf, void *vctx)
{
    struct find_ctx *c = vctx;
    if (nf < 3)
        return 0;
    if (c->by_id) {
        unsigned long id;
        if (parse_id(f[2], &id) != 0 || id != c->id)
            return 0;
    } else if (strcmp(f[0], c->name) != 0) {
        return 0;
    }
    /* copy fields into ctx buffer */
    size_t off = 0;
    c->nf = 0;
    for (int i = 0; i < nf && i < 8; i++) {
        size_t l = strlen(f[i]);
        if (off + l + 1 > sizeof(c->buf))
            break;
        memcpy(c->buf + off, f[i], l + 1);
        c->fields[c->nf++] = c->buf + off;
        off += l + 1;
    }
    c->found = 1;
    return 1;
}

int users_resolve_group(const char *spec, gid_t *out)
{
    struct find_ctx c;
    memset(&c, 0, sizeof(c));
    unsigned long id;
    if (parse_id(spec, &id) == 0) {
        *out = (gid_t)id;
        return 0;
    }
    c.name = spec;
    db_each(&group_db, 4, find_cb, &c);
    if (!c.found || c.nf < 3 || parse_id(c.fields[2], &id) != 0)
        return ENOENT;
    *out = (gid_t)id;
    return 0;
}

int users_resolve_user(const char *spec, struct user_info *out)
{
    char user[257], group[257];
    const char *colon = strchr(spec, ':');
    memset(out, 0, sizeof(*out));
    group[0] = 0;
    if (colon) {
        size_t ul = (size_t)(colon - spec);
        if (ul >= sizeof(user) || strlen(colon + 1) >= sizeof(group))
            return EINVAL;
        memcpy(user, spec, ul);
        user[ul] = 0;
        strcpy(group, colon + 1);
    } else {
        if (strlen(spec) >= sizeof(user))
            return EINVAL;
        strcpy(user, spec);
    }
    if (!user[0])
        return EINVAL;
    struct find_ctx c;
    memset(&c, 0, sizeof(c));
    unsigned long id;
    if (parse_id(user, &id) == 0) {
        c.by_id = 1;
        c.id = id;
    } else {
        c.name = user;
    }
    db_each(&passwd_db, 7, find_cb, &c);
    if (c.found && c.nf >= 4) {
        unsigned long uid, gid;
        if (parse_id(c.fields[2], &uid) != 0 || parse_id(c.fields[3], &gid) != 0)
            return EINVAL;
        out->uid = (uid_t)uid;
        out->gid = (gid_t)gid;
        out->found = 1;
        snprintf(out->name, sizeof(out->name), "%s", c.fields[0]);
        if (c.nf >= 6 && c.fields[5][0])
            snprintf(out->home, sizeof(out->home), "%s", c.fields[5]);
        else
            strcpy(out->home, "/");
    } else if (c.by_id) {
        /* unknown numeric uid: like Docker, gid 0, home "/" */
        out->uid = (uid_t)id;
        out->gid = 0;
        strcpy(out->home, "/");
    } else {
        return ENOENT;
    }
    if (group[0]) {
        gid_t g;
        int e = users_resolve_group(group, &g);
        if (e)
            return e;
        out->gid = g;
    }
    return 0;
}

struct groups_ctx {
    const char *name;
    gid_t *out;
    int n, max;
};

static int groups_cb(char **f, int nf, void *vctx)
{
    struct groups_ctx *c = vctx;
    if (nf < 4 || c->n >= c->max)
        return c->n >= c->max;
    unsigned long gid;
    if (parse_id(f[2], &gid) != 0)
        return 0;
    char *members = f[3];
    char *save = NULL;
    for (char *m = strtok_r(members, ",", &save); m; m = strtok_r(NULL, ",", &save)) {
        if (strcmp(m, c->name) == 0) {
            for (int i = 0; i < c->n; i++)
                if (c->out[i] == (gid_t)gid)
                    return 0;
            c->out[c->n++] = (gid_t)gid;
            break;
        }
    }
    return 0;
}

int users_groups(const char *name, gid_t primary, gid_t *out, int max)
{
    if (max <= 0)
        return 0;
    struct groups_ctx c = {name, out, 0, max};
    out[c.n++] = primary;
    if (name && name[0])
        db_each(&group_db, 4, groups_cb, &c);
    return c.n;
}

static const char *id_name(struct db *d, unsigned long id, char *buf)
{
    struct find_ctx c;
    memset(&c, 0, sizeof(c));
    c.by_id = 1;
    c.id = id;
    db_each(d, 4, find_cb, &c);
    buf[0] = 0;
    if (c.found)
        snprintf(buf, 257, "%s", c.fields[0]);
    return buf;
}

const char *users_uid_name(uid_t uid, char *buf)
{
    return id_name(&passwd_db, uid, buf);
}

const char *users_gid_name(gid_t gid, char *buf)
{
    return id_name(&group_db, gid, buf);
}
