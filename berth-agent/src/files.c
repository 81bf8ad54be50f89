/* File operations: stat, list, read, atomic write, mkdir/move/delete/chmod/chown. */
#include "agent.h"

void send_stat(struct conn *c, const struct stat *st, const char *target)
{
    size_t cap;
    uint8_t *p = frame_begin(c, &cap);
    if (!p || cap < STAT_REC_MAX) {
        c->closing = 1;
        return;
    }
    uint8_t *e = fs_encode_stat(p, st, target);
    frame_end(c, RSP_STAT, (size_t)(e - p));
}

int read_link(int dfd, const char *name, char *buf, size_t cap)
{
    ssize_t n = readlinkat(dfd, name, buf, cap - 1);
    if (n < 0) {
        buf[0] = 0;
        return -1;
    }
    buf[n] = 0;
    return 0;
}

void op_stat(struct conn *c, struct req *r)
{
    struct stat st;
    int rc = (r->flags & STAT_NOFOLLOW) ? lstat(r->path, &st) : stat(r->path, &st);
    if (rc != 0) {
        send_error(c, errno, "stat %s: %s", r->path, strerror(errno));
        return;
    }
    users_refresh();
    char target[4097];
    target[0] = 0;
    struct stat lst;
    if (lstat(r->path, &lst) == 0 && S_ISLNK(lst.st_mode))
        read_link(AT_FDCWD, r->path, target, sizeof(target));
    send_stat(c, &st, target);
    c->closing = 1;
}

void pump_list(struct conn *c)
{
    while (c->dir && out_free(c) >= OUT_RESERVE) {
        size_t cap;
        uint8_t *start = frame_begin(c, &cap);
        if (!start)
            return;
        uint8_t *p = start + 4;
        uint32_t count = 0;
        int done = 0;
        while ((size_t)(p - start) + 4 + 256 + STAT_REC_MAX < CHUNK_MAX) {
            errno = 0;
            struct dirent *de = readdir(c->dir);
            if (!de) {
                done = 1;
                break;
            }
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                continue;
            struct stat st;
            if (fstatat(dirfd(c->dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
                continue; /* vanished */
            char target[4097];
            target[0] = 0;
            if (S_ISLNK(st.st_mode))
                read_link(dirfd(c->dir), de->d_name, target, sizeof(target));
            size_t nl = strnlen(de->d_name, 255);
            p = put_str(p, de->d_name, (uint32_t)nl);
            p = fs_encode_stat(p, &st, target);
            count++;
        }
        put_u32(start, count);
        if (count)
            frame_end(c, RSP_ENTRIES, (size_t)(p - start));
        if (done) {
            closedir(c->dir);
            c->dir = NULL;
            send_frame(c, RSP_END, NULL, 0);
            c->closing = 1;
        }
    }
}

void op_list(struct conn *c, struct req *r)
{
    int fd = open(r->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        send_error(c, errno, "list %s: %s", r->path, strerror(errno));
        return;
    }
    c->dir = fdopendir(fd);
    if (!c->dir) {
        int e = errno;
        close(fd);
        send_error(c, e, "list %s: %s", r->path, strerror(e));
        return;
    }
    users_refresh();
    c->st = C_LIST;
    pump_list(c);
}

void pump_read(struct conn *c)
{
    while (c->file_fd >= 0 && out_free(c) >= OUT_RESERVE) {
        size_t cap;
        uint8_t *p = frame_begin(c, &cap);
        if (!p)
            return;
        size_t want = CHUNK_MAX;
        if (c->remaining < want)
            want = (size_t)c->remaining;
        ssize_t n = want ? read(c->file_fd, p, want) : 0;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(c->file_fd);
            c->file_fd = -1;
            send_error(c, e, "read: %s", strerror(e));
            return;
        }
        if (n == 0) {
            close(c->file_fd);
            c->file_fd = -1;
            send_frame(c, RSP_END, NULL, 0);
            c->closing = 1;
            return;
        }
        c->remaining -= (uint64_t)n;
        frame_end(c, RSP_DATA, (size_t)n);
    }
}

void op_read(struct conn *c, struct req *r)
{
    int fd = open(r->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        send_error(c, errno, "open %s: %s", r->path, strerror(errno));
        return;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        send_error(c, e, "stat %s: %s", r->path, strerror(e));
        return;
    }
    if (!S_ISREG(st.st_mode)) {
        int e = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        close(fd);
        send_error(c, e, "read %s: not a regular file", r->path);
        return;
    }
    if (r->offset && lseek(fd, (off_t)r->offset, SEEK_SET) < 0) {
        int e = errno;
        close(fd);
        send_error(c, e, "seek %s: %s", r->path, strerror(e));
        return;
    }
    users_refresh();
    send_stat(c, &st, NULL);
    c->file_fd = fd;
    c->remaining = r->length;
    c->st = C_READ;
    pump_read(c);
}

int resolve_owner(const char *user, const char *group, uid_t *uid, gid_t *gid)
{
    *uid = (uid_t)-1;
    *gid = (gid_t)-1;
    users_refresh();
    if (user && user[0]) {
        struct user_info u;
        int e = users_resolve_user(user, &u);
        if (e)
            return e;
        *uid = u.uid;
        if (strchr(user, ':'))
            *gid = u.gid;
    }
    if (group && group[0]) {
        int e = users_resolve_group(group, gid);
        if (e)
            return e;
    }
    return 0;
}

void op_write(struct conn *c, struct req *r)
{
    char dir[PATH_MAX], tmp[PATH_MAX];
    size_t len = strlen(r->path);
    while (len > 1 && r->path[len - 1] == '/')
        len--;
    if (len <= 1) {
        send_error(c, EISDIR, "write %s: is a directory", r->path);
        return;
    }
    memcpy(dir, r->path, len);
    dir[len] = 0;
    char *slash = strrchr(dir, '/');
    char base[NAME_MAX + 1];
    if (strlen(slash + 1) > NAME_MAX - 20) {
        send_error(c, ENAMETOOLONG, "write %s: name too long", r->path);
        return;
    }
    strcpy(base, slash + 1);
    if (slash == dir)
        dir[1] = 0;
    else
        *slash = 0;
    uid_t uid;
    gid_t gid;
    int e = resolve_owner(r->user, r->group, &uid, &gid);
    if (e) {
        send_error(c, e, "write %s: unknown owner: %s", r->path, strerror(e));
        return;
    }
    if ((r->flags & WRITE_PARENTS) && (e = fs_mkdir_p(dir, 0755, 0)) != 0) {
        send_error(c, e, "mkdir %s: %s", dir, strerror(e));
        return;
    }
    int tl = snprintf(tmp, sizeof(tmp), "%s/.%s.berth-XXXXXX", strcmp(dir, "/") ? dir : "", base);
    if (tl < 0 || (size_t)tl >= sizeof(tmp)) {
        send_error(c, ENAMETOOLONG, "write %s: path too long", r->path);
        return;
    }
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        e = errno;
        send_error(c, e, "write %s: %s", r->path, strerror(e));
        return;
    }
    if (fchmod(fd, r->mode) != 0 || ((uid != (uid_t)-1 || gid != (gid_t)-1) && fchown(fd, uid, gid) != 0)) {
        e = errno;
        close(fd);
        unlink(tmp);
        send_error(c, e, "write %s: %s", r->path, strerror(e));
        return;
    }
    c->file_fd = fd;
    c->tmp_path = strdup(tmp);
    c->final_path = strdup(r->path);
    if (!c->tmp_path || !c->final_path) {
        send_error(c, ENOMEM, "out of memory");
        return;
    }
    c->st = C_WRITE;
    send_frame(c, RSP_OK, NULL, 0); /* ready for DATA */
}

void write_data(struct conn *c, const uint8_t *d, size_t n)
{
    while (n) {
        ssize_t w = write(c->file_fd, d, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            send_error(c, errno, "write %s: %s", c->final_path, strerror(errno));
            return;
        }
        d += w;
        n -= (size_t)w;
    }
}

void write_finish(struct conn *c)
{
    int fd = c->file_fd;
    c->file_fd = -1;
    if (close(fd) != 0) {
        send_error(c, errno, "write %s: %s", c->final_path, strerror(errno));
        return;
    }
    if (rename(c->tmp_path, c->final_path) != 0) {
        send_error(c, errno, "rename to %s: %s", c->final_path, strerror(errno));
        return;
    }
    free(c->tmp_path);
    c->tmp_path = NULL;
    send_ok_close(c);
}

void op_simple(struct conn *c, struct req *r)
{
    int e = 0;
    const char *what = "";
    switch (r->type) {
    case T_MKDIR:
        what = "mkdir";
        if (r->flags & MKDIR_PARENTS) {
            e = fs_mkdir_p(r->path, r->mode, 1);
        } else if (mkdir(r->path, r->mode) != 0 || chmod(r->path, r->mode) != 0) {
            e = errno;
        }
        break;
    case T_MOVE:
        what = "move";
        if (r->flags & MOVE_NOREPLACE) {
            if (syscall(SYS_renameat2, AT_FDCWD, r->path, AT_FDCWD, r->path2, 1 /* RENAME_NOREPLACE */) != 0)
                e = errno;
        } else if (rename(r->path, r->path2) != 0) {
            e = errno;
        }
        break;
    case T_DELETE:
        what = "delete";
        e = (r->flags & DELETE_RECURSIVE) ? fs_rm_rf(r->path) : fs_remove(r->path);
        break;
    case T_CHMOD:
        what = "chmod";
        if (chmod(r->path, r->mode) != 0)
            e = errno;
        break;
    case T_CHOWN: {
        what = "chown";
        uid_t uid;
        gid_t gid;
        e = resolve_owner(r->user, r->group, &uid, &gid);
        if (!e && chown(r->path, uid, gid) != 0)
            e = errno;
        break;
    }
    default:
        e = EPROTO;
    }
    if (e)
        send_error(c, e, "%s %s: %s", what, r->path, strerror(e));
    else
        send_ok_close(c);
}
