#define _GNU_SOURCE
#include "fsops.h"

#include "proto.h"
#include "users.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint8_t kind_of(mode_t m)
{
    if (S_ISREG(m))
        return 1;
    if (S_ISDIR(m))
        return 2;
    if (S_ISLNK(m))
        return 3;
    if (S_ISCHR(m))
        return 4;
    if (S_ISBLK(m))
        return 5;
    if (S_ISFIFO(m))
        return 6;
    if (S_ISSOCK(m))
        return 7;
    return 0;
}

uint8_t *fs_encode_stat(uint8_t *p, const struct stat *st, const char *link_target)
{
    char owner[257], group[257];
    users_uid_name(st->st_uid, owner);
    users_gid_name(st->st_gid, group);
    size_t ol = strnlen(owner, 256), gl = strnlen(group, 256);
    size_t tl = link_target ? strnlen(link_target, 4096) : 0;
    p = put_u8(p, kind_of(st->st_mode));
    p = put_u32(p, (uint32_t)st->st_mode);
    p = put_u64(p, st->st_size > 0 ? (uint64_t)st->st_size : 0);
    p = put_u32(p, (uint32_t)st->st_uid);
    p = put_u32(p, (uint32_t)st->st_gid);
    p = put_u64(p, (uint64_t)(int64_t)st->st_mtim.tv_sec);
    p = put_u32(p, (uint32_t)st->st_mtim.tv_nsec);
    p = put_u32(p, (uint32_t)st->st_nlink);
    p = put_str(p, owner, (uint32_t)ol);
    p = put_str(p, group, (uint32_t)gl);
    p = put_str(p, link_target ? link_target : "", (uint32_t)tl);
    return p;
}

int fs_mkdir_p(const char *path, mode_t mode, int chmod_leaf)
{
    char buf[PATH_MAX];
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof(buf))
        return ENAMETOOLONG;
    memcpy(buf, path, len + 1);
    while (len > 1 && buf[len - 1] == '/')
        buf[--len] = 0;
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || *p == 0) {
            char saved = *p;
            *p = 0;
            int leaf = saved == 0;
            if (mkdir(buf, leaf ? mode : 0755) == 0) {
                if (leaf && chmod_leaf && chmod(buf, mode) != 0)
                    return errno;
            } else {
                int e = errno;
                struct stat st;
                if (e != EEXIST)
                    return e;
                if (stat(buf, &st) != 0)
                    return errno;
                if (!S_ISDIR(st.st_mode))
                    return ENOTDIR;
            }
            if (leaf)
                break;
            *p = saved;
        }
    }
    return 0;
}

static int rm_at(int dfd, const char *name, int depth)
{
    if (unlinkat(dfd, name, 0) == 0)
        return 0;
    int e = errno;
    if (e != EISDIR && e != EPERM)
        return e;
    if (depth > 256)
        return ELOOP;
    int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOTDIR || errno == ELOOP ? e : errno;
    DIR *d = fdopendir(fd);
    if (!d) {
        e = errno;
        close(fd);
        return e;
    }
    int err = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        err = rm_at(fd, de->d_name, depth + 1);
        if (err)
            break;
    }
    closedir(d);
    if (err)
        return err;
    if (unlinkat(dfd, name, AT_REMOVEDIR) != 0)
        return errno;
    return 0;
}

/* Splits path into parent fd + base name. Returns 0 or errno. */
static int open_parent(const char *path, int *dfd, char *base, size_t basecap)
{
    char buf[PATH_MAX];
    size_t len = strlen(path);
    if (len >= sizeof(buf))
        return ENAMETOOLONG;
    memcpy(buf, path, len + 1);
    while (len > 1 && buf[len - 1] == '/')
        buf[--len] = 0;
    if (len <= 1)
        return EBUSY; /* refuse "/" */
    char *slash = strrchr(buf, '/');
    const char *b = slash + 1;
    if (!strcmp(b, ".") || !strcmp(b, ".."))
        return EINVAL;
    if (strlen(b) >= basecap)
        return ENAMETOOLONG;
    strcpy(base, b);
    if (slash == buf)
        strcpy(buf, "/");
    else
        *slash = 0;
    *dfd = open(buf, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return *dfd < 0 ? errno : 0;
}

int fs_rm_rf(const char *path)
{
    int dfd;
    char base[NAME_MAX + 1];
    int e = open_parent(path, &dfd, base, sizeof(base));
    if (e)
        return e;
    e = rm_at(dfd, base, 0);
    close(dfd);
    return e;
}

int fs_remove(const char *path)
{
    int dfd;
    char base[NAME_MAX + 1];
    int e = open_parent(path, &dfd, base, sizeof(base));
    if (e)
        return e;
    e = 0;
    if (unlinkat(dfd, base, 0) != 0) {
        e = errno;
        if (e == EISDIR || e == EPERM) {
            struct stat st;
            if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
                e = unlinkat(dfd, base, AT_REMOVEDIR) == 0 ? 0 : errno;
        }
    }
    close(dfd);
    return e;
}
