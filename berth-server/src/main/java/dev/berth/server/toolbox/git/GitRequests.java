package dev.berth.server.toolbox.git;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Request bodies of the git routes; the SDK sends snake_case fields. */
final class GitRequests {

    private GitRequests() {
    }

    record Clone(String url, String path, String branch, @JsonProperty("commit_id") String commitId, String username,
            String password, @JsonProperty("insecure_skip_tls") Boolean insecureSkipTls, Integer depth) {
    }

    record Add(String path, List<String> files) {
    }

    record Commit(String path, String message, String author, String email,
            @JsonProperty("allow_empty") Boolean allowEmpty) {
    }

    record Push(String path, String username, String password, String branch, String remote,
            @JsonProperty("set_upstream") Boolean setUpstream) {
    }

    record Pull(String path, String username, String password, String branch, String remote) {
    }

    record Branch(String path, String name) {
    }

    record Checkout(String path, String branch) {
    }

    record Init(String path, Boolean bare, @JsonProperty("initial_branch") String initialBranch) {
    }

    record AddRemote(String path, String name, String url, Boolean fetch, Boolean overwrite) {
    }
}
