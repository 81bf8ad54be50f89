package dev.berth.runner.agent;

import java.time.Instant;

/**
 * Metadata of a file inside the sandbox.
 *
 * @param name        last path component (entry name for {@link AgentClient#list})
 * @param type        file type (for list entries: of the entry itself, symlinks are not followed)
 * @param mode        permission bits ({@code st_mode & 07777})
 * @param rawMode     full {@code st_mode} including the type bits
 * @param owner       user name from the sandbox's /etc/passwd, or "" if none
 * @param group       group name from the sandbox's /etc/group, or "" if none
 * @param linkTarget  symlink target, or "" if not a symlink
 */
public record FileInfo(String name, FileType type, int mode, int rawMode, long size, long uid, long gid,
                       String owner, String group, Instant modifiedAt, long nlink, String linkTarget) {

    public boolean isDirectory() {
        return type == FileType.DIRECTORY;
    }

    public boolean isSymlink() {
        return type == FileType.SYMLINK;
    }

    /** Octal permission string, e.g. "0644". */
    public String modeOctal() {
        return String.format("%04o", mode);
    }

    static FileInfo decode(String name, Wire.In in) throws AgentException {
        FileType type = FileType.of(in.u8());
        long mode = in.u32();
        long size = in.u64();
        long uid = in.u32();
        long gid = in.u32();
        long sec = in.u64();
        long nsec = in.u32();
        long nlink = in.u32();
        String owner = in.str(256);
        String group = in.str(256);
        String target = in.str(Wire.MAX_STRING);
        if (size < 0 || nsec >= 1_000_000_000L || sec < -(1L << 40) || sec > (1L << 40)) {
            throw AgentException.protocol("bad stat record");
        }
        return new FileInfo(name, type, (int) (mode & 07777), (int) mode, size, uid, gid, owner, group,
                Instant.ofEpochSecond(sec, nsec), nlink, target);
    }
}
