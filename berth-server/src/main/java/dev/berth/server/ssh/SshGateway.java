package dev.berth.server.ssh;

import dev.berth.server.config.BerthProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.keyboard.UserAuthKeyboardInteractiveFactory;
import org.apache.sshd.server.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.subsystem.SubsystemFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The SSH gateway: an Apache MINA SSHD server whose users are SSH access tokens ({@link SshAuth}) and whose shells,
 * commands and {@code sftp} subsystem run in the token's sandbox ({@link SandboxCommand}). Every replica may run one;
 * tokens live in the database. Port forwarding, agent forwarding and X11 are not offered.
 */
@Component
class SshGateway implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SshGateway.class);

    private final SshProperties props;
    private final BerthProperties berth;
    private final SshAccessService access;
    private final SshTargets targets;
    private final SshEndpoint endpoint;
    private volatile SshServer server;
    private volatile ThreadPoolExecutor pumps;
    private volatile java.util.concurrent.ScheduledExecutorService recheck;

    SshGateway(SshProperties props, BerthProperties berth, SshAccessService access, SshTargets targets,
            SshEndpoint endpoint) {
        this.props = props;
        this.berth = berth;
        this.access = access;
        this.targets = targets;
        this.endpoint = endpoint;
    }

    /** Where the host key is kept: {@code berth.ssh.host-key-file}, or {@code <data-dir>/ssh/host-key}. */
    Path hostKeyFile() {
        return props.hostKeyFile() != null && !props.hostKeyFile().toString().isBlank() ? props.hostKeyFile()
                : berth.dataDir().resolve("ssh").resolve("host-key");
    }

    @Override
    public void start() {
        if (!props.enabled()) {
            log.info("SSH gateway disabled (berth.ssh.enabled=false)");
            return;
        }
        AtomicInteger n = new AtomicInteger();
        // one thread per open channel (its input pump); beyond the bound a channel is refused, never queued
        pumps = new ThreadPoolExecutor(0, props.maxChannels(), 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "berth-ssh-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost(props.bindAddress());
        sshd.setPort(props.port());
        sshd.setKeyPairProvider(hostKey());
        // a session's user name is its access token: MINA names sessions "<user>@<address>" in what it logs, so
        // Berth's sessions name only their address (and the access id once authenticated); see GatewaySession
        sshd.setSessionFactory(new org.apache.sshd.server.session.SessionFactory(sshd) {
            @Override
            protected org.apache.sshd.server.session.ServerSessionImpl doCreateSession(
                    org.apache.sshd.common.io.IoSession io) throws Exception {
                return new GatewaySession(getServer(), io);
            }
        });
        SshAuth auth = new SshAuth(access);
        dev.berth.server.limits.BoundedCounts slots = new dev.berth.server.limits.BoundedCounts(
                props.maxChannelsPerOrg()); // channel threads per organization
        sshd.setUserAuthFactories(List.of(auth.noneFactory(), UserAuthPublicKeyFactory.INSTANCE,
                UserAuthKeyboardInteractiveFactory.INSTANCE, UserAuthPasswordFactory.INSTANCE));
        sshd.setPasswordAuthenticator(auth);
        sshd.setPublickeyAuthenticator(auth);
        sshd.setKeyboardInteractiveAuthenticator(auth);
        sshd.setHostBasedAuthenticator(null);
        sshd.setGSSAuthenticator(null);
        sshd.setShellFactory(channel -> new SandboxCommand(SandboxCommand.Kind.SHELL, null, targets, pumps, slots));
        sshd.setCommandFactory((channel, command) -> new SandboxCommand(SandboxCommand.Kind.EXEC, command, targets,
                pumps, slots));
        sshd.setSubsystemFactories(List.of(new SubsystemFactory() {
            @Override
            public String getName() {
                return "sftp";
            }

            @Override
            public Command createSubsystem(ChannelSession channel) {
                return new SandboxCommand(SandboxCommand.Kind.SFTP, null, targets, pumps, slots);
            }
        }));
        // no forwarding of any kind: the gateway reaches sandboxes only through their agents
        sshd.setChannelFactories(List.of(new TerminalAwareChannels()));
        sshd.setForwardingFilter(org.apache.sshd.server.forward.RejectAllForwardingFilter.INSTANCE);
        sshd.setAgentFactory(null);
        CoreModuleProperties.MAX_AUTH_REQUESTS.set(sshd, props.maxAuthAttempts());
        CoreModuleProperties.AUTH_TIMEOUT.set(sshd, java.time.Duration.ofSeconds(30));
        CoreModuleProperties.MAX_CONCURRENT_CHANNELS.set(sshd, props.maxChannelsPerConnection());
        CoreModuleProperties.IDLE_TIMEOUT.set(sshd, props.idleTimeout());
        // a client that does not read its output holds the process back for this long, then the channel is closed
        CoreModuleProperties.WAIT_FOR_SPACE_TIMEOUT.set(sshd, java.time.Duration.ofMinutes(10));
        CoreModuleProperties.SERVER_IDENTIFICATION.set(sshd, "Berth");
        try {
            sshd.start();
        } catch (IOException e) {
            pumps.shutdownNow();
            throw new IllegalStateException("the SSH gateway could not listen on " + props.bindAddress() + ":"
                    + props.port() + " (berth.ssh.port, berth.ssh.bind-address): " + e.getMessage(), e);
        }
        server = sshd;
        endpoint.bound(sshd.getPort());
        long every = Math.max(100, props.recheckEvery().toMillis());
        recheck = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "berth-ssh-recheck");
            t.setDaemon(true);
            return t;
        });
        recheck.scheduleWithFixedDelay(this::endRevokedConnections, every, every, TimeUnit.MILLISECONDS);
        log.info("SSH gateway listening on {}:{} (host key {})", props.bindAddress(), sshd.getPort(), hostKeyFile());
    }

    private SimpleGeneratorHostKeyProvider hostKey() {
        Path file = hostKeyFile();
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            SimpleGeneratorHostKeyProvider keys = new SimpleGeneratorHostKeyProvider(file);
            keys.setAlgorithm("EC");
            keys.setKeySize(256);
            keys.loadKeys(null); // made now (and kept), not on the first connection
            if (Files.exists(file)) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
            return keys;
        } catch (IOException e) {
            throw new UncheckedIOException("the SSH host key " + file + " could not be made or read "
                    + "(berth.ssh.host-key-file): " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("the SSH host key " + file + " is unusable (berth.ssh.host-key-file): "
                    + e.getMessage() + "; remove it to make a new one", e);
        }
    }

    /**
     * Closes every open connection whose token was revoked (by any replica: tokens live in the database) or has
     * expired since it authenticated, with the reason as the SSH disconnect message. Its channels end with it.
     */
    void endRevokedConnections() {
        SshServer s = server;
        if (s == null) {
            return;
        }
        try {
            java.util.Map<String, List<org.apache.sshd.common.session.Session>> byAccess = new java.util.HashMap<>();
            for (var session : s.getActiveSessions()) {
                SshGrant g = session.getAttribute(SshAuth.GRANT);
                if (g != null && session.isOpen()) {
                    byAccess.computeIfAbsent(g.accessId(), k -> new java.util.ArrayList<>()).add(session);
                }
            }
            if (byAccess.isEmpty()) {
                return;
            }
            java.util.Set<String> valid = new java.util.HashSet<>();
            List<String> ids = new java.util.ArrayList<>(byAccess.keySet());
            for (int i = 0; i < ids.size(); i += 500) { // bounded IN lists
                valid.addAll(access.stillValid(ids.subList(i, Math.min(ids.size(), i + 500))));
            }
            byAccess.forEach((accessId, sessions) -> {
                if (valid.contains(accessId)) {
                    return;
                }
                log.info("SSH access {} was revoked or has expired: closing its {} connection(s)", accessId,
                        sessions.size());
                for (var session : sessions) {
                    try {
                        session.disconnect(org.apache.sshd.common.SshConstants.SSH2_DISCONNECT_BY_APPLICATION,
                                "berth: this SSH access was revoked or has expired");
                    } catch (IOException | RuntimeException e) {
                        session.close(true);
                    }
                }
            });
        } catch (Throwable e) {
            // anything thrown out of a scheduled task would end the schedule for good: revoked sessions would live
            log.warn("SSH gateway: open connections' tokens could not be checked again: {}", e.toString());
        }
    }

    /** The port it listens on, or -1 when it does not run. */
    int port() {
        SshServer s = server;
        return s == null ? -1 : s.getPort();
    }

    @Override
    public void stop() {
        SshServer s = server;
        server = null;
        if (s != null) {
            try {
                s.stop(true);
            } catch (IOException e) {
                log.warn("SSH gateway did not stop cleanly: {}", e.getMessage());
            }
        }
        if (recheck != null) {
            recheck.shutdownNow();
        }
        if (pumps != null) {
            pumps.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }
}
