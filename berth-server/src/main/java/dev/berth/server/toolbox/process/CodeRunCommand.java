package dev.berth.server.toolbox.process;

import dev.berth.server.toolbox.ToolboxException;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@code code-run} runs code of a language: the interpreter argv, started through {@code sh} so stdout and
 * stderr share one pipe (the result is the combined output, in order, like Daytona's daemon).
 */
record CodeRunCommand(String interpreter, List<String> argv) {

    static CodeRunCommand of(String language, String code, List<String> args) {
        if (language == null || language.isBlank()) {
            throw ToolboxException.badRequest("language is required (python, javascript or typescript)");
        }
        List<String> a = new ArrayList<>();
        String interpreter;
        switch (language.trim().toLowerCase()) {
            case "python", "python3" -> {
                interpreter = "python3";
                a.addAll(List.of("python3", "-c", code));
            }
            case "javascript", "js" -> {
                interpreter = "node";
                a.addAll(List.of("node", "-e", code));
            }
            case "typescript", "ts" -> {
                interpreter = "node";
                a.addAll(List.of("node", "--experimental-strip-types", "--input-type=module-typescript",
                        "--no-warnings", "-e", code));
            }
            default -> throw ToolboxException.badRequest("unsupported language '" + language
                    + "'; use python, javascript or typescript");
        }
        if (args != null) {
            a.addAll(args);
        }
        List<String> shell = new ArrayList<>(List.of("/bin/sh", "-c", "exec 2>&1; exec \"$@\"", "sh"));
        shell.addAll(a);
        return new CodeRunCommand(interpreter, shell);
    }

    /** True when the shell could not find the interpreter (exit 127 and sh's "not found" as the last line). */
    boolean interpreterMissing(int exitCode, String output) {
        return exitCode == 127 && output.strip().endsWith(interpreter + ": not found");
    }
}
