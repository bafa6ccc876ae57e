package dev.opencomputer.github.localserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/** The local GitHub's bare repositories, {@code <root>/<owner>/<name>.git}, each with a {@code main} branch. */
final class Repositories implements AutoCloseable {

    static final Pattern FULL_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}");

    private final Path root;
    private final Map<String, Repository> open = new ConcurrentHashMap<>();

    Repositories(Path root) {
        this.root = root;
    }

    /** Creates {@code owner/name} with one commit on {@code main} holding {@code files}; an existing one is kept. */
    void create(String fullName, Map<String, String> files) {
        if (!FULL_NAME.matcher(fullName).matches()) {
            throw new IllegalArgumentException("not owner/name: " + fullName);
        }
        Path bare = root.resolve(fullName + ".git");
        if (Files.isDirectory(bare)) {
            return;
        }
        try {
            Path work = Files.createTempDirectory("local-github-seed");
            try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
                for (var file : files.entrySet()) {
                    Path path = work.resolve(file.getKey());
                    Files.createDirectories(path.getParent());
                    Files.writeString(path, file.getValue());
                }
                PersonIdent author = new PersonIdent("Local GitHub", "local@github.invalid");
                git.add().addFilepattern(".").call();
                git.commit().setMessage("Initial commit").setAuthor(author).setCommitter(author).call();
            }
            Files.createDirectories(bare.getParent());
            Git.cloneRepository().setURI(work.toUri().toString()).setDirectory(bare.toFile()).setBare(true)
                    .call().close();
            deleteTree(work);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GitAPIException e) {
            throw new IllegalStateException("could not seed " + fullName, e);
        }
    }

    Optional<Repository> find(String fullName) {
        if (!FULL_NAME.matcher(fullName).matches() || !Files.isDirectory(root.resolve(fullName + ".git"))) {
            return Optional.empty();
        }
        return Optional.of(open.computeIfAbsent(fullName.toLowerCase(), key -> {
            try {
                return new FileRepositoryBuilder().setGitDir(root.resolve(fullName + ".git").toFile())
                        .setMustExist(true).build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }));
    }

    /** The commit a branch points at, if it exists. */
    Optional<String> head(String fullName, String branch) {
        return find(fullName).map(repository -> {
            try {
                ObjectId id = repository.resolve("refs/heads/" + branch);
                return id == null ? null : id.name();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** A file's text on a branch, if both exist. */
    Optional<String> file(String fullName, String branch, String path) {
        return find(fullName).flatMap(repository -> {
            try (RevWalk walk = new RevWalk(repository)) {
                ObjectId id = repository.resolve("refs/heads/" + branch);
                if (id == null) {
                    return Optional.empty();
                }
                RevCommit commit = walk.parseCommit(id);
                try (TreeWalk tree = TreeWalk.forPath(repository, path, commit.getTree())) {
                    if (tree == null) {
                        return Optional.empty();
                    }
                    ObjectLoader loader = repository.open(tree.getObjectId(0));
                    return Optional.of(new String(loader.getBytes(), StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public void close() {
        open.values().forEach(Repository::close);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
