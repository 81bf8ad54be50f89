package dev.berth.server.ssh;

import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.auth.UserAuthFactory;
import org.apache.sshd.server.auth.UserAuthNone;
import org.apache.sshd.server.auth.UserAuthNoneFactory;
import org.apache.sshd.server.auth.keyboard.InteractiveChallenge;
import org.apache.sshd.server.auth.keyboard.KeyboardInteractiveAuthenticator;
import org.apache.sshd.server.auth.password.PasswordAuthenticator;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication by token, as Daytona does it: the SSH user name is the token. The OpenSSH client tries {@code none}
 * first, which succeeds when the user name is a valid token, so {@code ssh -p PORT TOKEN@HOST} needs no password and
 * no key. For other clients the same check answers {@code publickey} (any key: the token is the credential),
 * {@code keyboard-interactive} (no prompts) and {@code password} (the token as user name, or as the password). What
 * the token grants is kept on the session for its channels.
 */
final class SshAuth implements PasswordAuthenticator, PublickeyAuthenticator, KeyboardInteractiveAuthenticator {

    static final AttributeKey<SshGrant> GRANT = new AttributeKey<>();
    private static final Logger log = LoggerFactory.getLogger(SshAuth.class);

    private final SshAccessService access;

    SshAuth(SshAccessService access) {
        this.access = access;
    }

    /** Checks {@code token}; on success the grant is the session's. */
    boolean admit(ServerSession session, String token) {
        Optional<SshGrant> grant = access.grant(token);
        if (grant.isEmpty()) {
            return false;
        }
        session.setAttribute(GRANT, grant.get());
        log.info("SSH session from {} for sandbox {} (access {})", session.getClientAddress(), grant.get().sandboxId(),
                grant.get().accessId());
        return true;
    }

    /** The {@code none} method: accepted when the user name is a valid token. */
    UserAuthFactory noneFactory() {
        return new UserAuthNoneFactory() {
            @Override
            public UserAuthNone createUserAuth(ServerSession session) {
                return new UserAuthNone() {
                    @Override
                    public Boolean doAuth(Buffer buffer, boolean init) {
                        return admit(getServerSession(), getUsername());
                    }
                };
            }
        };
    }

    @Override
    public boolean authenticate(String username, String password, ServerSession session) {
        return admit(session, username) || admit(session, password);
    }

    @Override
    public boolean authenticate(String username, java.security.PublicKey key, ServerSession session) {
        return admit(session, username);
    }

    @Override
    public InteractiveChallenge generateChallenge(ServerSession session, String username, String lang,
            String subMethods) {
        InteractiveChallenge c = new InteractiveChallenge();
        c.setInteractionName("");
        c.setInteractionInstruction("");
        c.setLanguageTag("");
        return c;
    }

    @Override
    public boolean authenticate(ServerSession session, String username, List<String> responses) {
        return admit(session, username);
    }

}
