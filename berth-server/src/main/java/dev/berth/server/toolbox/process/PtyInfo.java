package dev.berth.server.toolbox.process;

import java.util.Map;

/** Daytona's {@code PtySessionInfo}. */
record PtyInfo(String id, boolean active, int cols, int rows, String cwd, Map<String, String> envs,
               String createdAt, boolean lazyStart) {
}
