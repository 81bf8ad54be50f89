/* /etc/passwd and /etc/group parsing (static glibc NSS is unreliable, so we do it ourselves). */
#ifndef BERTH_USERS_H
#define BERTH_USERS_H

#include <sys/types.h>

struct user_info {
    uid_t uid;
    gid_t gid;
    int found;        /* 1 if an /etc/passwd entry exists */
    char name[257];
    char home[1024];
};

/* Re-reads /etc/passwd and /etc/group if they changed. Cheap; call once per request. */
void users_refresh(void);

/* spec: "name", "uid", "name:group", "uid:gid". Returns 0 or an errno (ENOENT if unknown). */
int users_resolve_user(const char *spec, struct user_info *out);
/* spec: group name or numeric gid. */
int users_resolve_group(const char *spec, gid_t *out);
/* Supplementary groups of user `name` (plus primary); returns count (<= max). */
int users_groups(const char *name, gid_t primary, gid_t *out, int max);
/* Name for an id; returns "" if not found. buf must hold 257 bytes. */
const char *users_uid_name(uid_t uid, char *buf);
const char *users_gid_name(gid_t gid, char *buf);

#endif
