package dev.opencomputer.github.localserver;

import java.nio.file.Path;
import java.util.Map;

/**
 * {@code bin/github-server [--port 8095] [--host 127.0.0.1] [--dir .data/github-server]
 * [--token <token>] [--repo owner/name]}: the local GitHub for offline demos, with one seeded
 * repository that accepts the given token.
 */
public final class LocalGithubMain {

    private LocalGithubMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = 8095;
        String host = "127.0.0.1";
        String dir = ".data/github-server";
        String token = "ghp_local_demo_token";
        String repo = "acme/app";
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(require(args[i], value));
                case "--host" -> host = require(args[i], value);
                case "--dir" -> dir = require(args[i], value);
                case "--token" -> token = require(args[i], value);
                case "--repo" -> repo = require(args[i], value);
                default -> {
                    System.err.println("unknown option " + args[i]
                            + "; usage: github-server [--port N] [--host H] [--dir D] [--token T] [--repo owner/name]");
                    System.exit(2);
                }
            }
            i++;
        }
        LocalGithub github = LocalGithub.start(host, port, Path.of(dir)).acceptToken(token)
                .createRepository(repo, Map.of("README.md", "# " + repo + "\n",
                        "hello.sh", "#!/bin/sh\necho 'helo, world'\n",
                        "CHANGELOG.md", "# Changelog\n\n## Unreleased\n"));
        System.out.println("local GitHub on http://" + host + ":" + port + "  (REST API and git over HTTP)");
        System.out.println("  repository : " + repo + "  (git: http://" + host + ":" + port + "/" + repo + ".git)");
        System.out.println("  token      : accepted as Bearer / token for REST, as the Basic password for git");
        System.out.println("  requests   : GET http://" + host + ":" + port + "/_local/requests");
        Runtime.getRuntime().addShutdownHook(new Thread(github::close));
        Thread.currentThread().join();
    }

    private static String require(String option, String value) {
        if (value == null) {
            System.err.println(option + " needs a value");
            System.exit(2);
        }
        return value;
    }
}
