/* File-system helpers used by the agent (blocking, but each bounded and local). */
#ifndef BERTH_FSOPS_H
#define BERTH_FSOPS_H

#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Size bound of one encoded stat record (without the entry name). */
#define STAT_REC_MAX (1 + 4 + 8 + 4 + 4 + 8 + 4 + 4 + 3 * 4 + 256 + 256 + 4096)

/* Encodes a stat record; link_target may be NULL. Returns end pointer. */
uint8_t *fs_encode_stat(uint8_t *p, const struct stat *st, const char *link_target);

int fs_mkdir_p(const char *path, mode_t mode, int chmod_leaf); /* 0 or errno */
int fs_rm_rf(const char *path);                                /* 0 or errno */
int fs_remove(const char *path);                               /* non-recursive; 0 or errno */

#endif
