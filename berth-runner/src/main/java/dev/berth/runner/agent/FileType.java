package dev.berth.runner.agent;

/** File type as reported by the agent (lstat for list entries). */
public enum FileType {
    UNKNOWN, FILE, DIRECTORY, SYMLINK, CHAR_DEVICE, BLOCK_DEVICE, FIFO, SOCKET;

    static FileType of(int code) throws AgentException {
        FileType[] v = values();
        if (code < 0 || code >= v.length) {
            throw AgentException.protocol("bad file type " + code);
        }
        return v[code];
    }
}
