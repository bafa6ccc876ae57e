package dev.opencomputer.github;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.BundleWriter;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * Git over the network, done by the brain with JGit and the repository's token, never inside the
 * sandbox. Commits travel to and from the sandbox as git bundles: a clone becomes a bundle the
 * sandbox clones from, and the sandbox's commits come back as a bundle that is pushed from here.
 * A bundle holds objects and refs only, so no credential can ride along.
 */
public final class GitTransfer {

    private GitTransfer() {
    }

    /**
     * Clones {@code branch} of the repository at {@code url} and returns it as a bundle (with {@code HEAD}
     * on that branch).
     */
    public static byte[] cloneAsBundle(URI url, String branch, String token) {
        Path dir = tempDir("oc-clone");
        try (Git git = Git.cloneRepository().setURI(url.toString()).setDirectory(dir.toFile()).setBare(true)
                .setBranch(branch).setCredentialsProvider(credentials(token)).call()) {
            Repository repository = git.getRepository();
            Ref head = repository.exactRef("refs/heads/" + branch);
            if (head == null) {
                throw new GithubException("branch " + branch + " does not exist in " + url, 404);
            }
            BundleWriter bundle = new BundleWriter(repository);
            bundle.include(head);
            bundle.include("HEAD", head.getObjectId());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            bundle.writeBundle(NullProgressMonitor.INSTANCE, out);
            return out.toByteArray();
        } catch (GitAPIException e) {
            throw new GithubException("could not clone " + url + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            delete(dir);
        }
    }

    /**
     * Pushes the commit {@code HEAD} of {@code bundle} to {@code branch} of the repository at
     * {@code url} (forced: the branch is the session's own) and returns that commit's id. Pushing the
     * same commit again changes nothing.
     */
    public static String pushBundle(byte[] bundle, URI url, String branch, String token) {
        Path dir = tempDir("oc-push");
        try (Git git = Git.init().setBare(true).setDirectory(dir.toFile()).call()) {
            Path file = dir.resolve("incoming.bundle");
            Files.write(file, bundle);
            git.fetch().setRemote(file.toUri().toString())
                    .setRefSpecs(new RefSpec("+HEAD:refs/heads/" + branch)).call();
            ObjectId head = git.getRepository().resolve("refs/heads/" + branch);
            if (head == null) {
                throw new GithubException("the workspace's bundle has no HEAD commit", 0);
            }
            Iterable<PushResult> results = git.push().setRemote(url.toString())
                    .setRefSpecs(new RefSpec("+refs/heads/" + branch + ":refs/heads/" + branch))
                    .setCredentialsProvider(credentials(token)).call();
            for (PushResult result : results) {
                for (RemoteRefUpdate update : result.getRemoteUpdates()) {
                    if (update.getStatus() != RemoteRefUpdate.Status.OK
                            && update.getStatus() != RemoteRefUpdate.Status.UP_TO_DATE) {
                        throw new GithubException("GitHub refused the push of " + branch + " (" + update.getStatus()
                                + (update.getMessage() == null ? "" : ": " + update.getMessage()) + ")", 0);
                    }
                }
            }
            return head.name();
        } catch (GitAPIException e) {
            throw new GithubException("could not push " + branch + " to " + url + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new GithubException("could not read the workspace's bundle: " + e.getMessage(), e);
        } finally {
            delete(dir);
        }
    }

    private static UsernamePasswordCredentialsProvider credentials(String token) {
        return new UsernamePasswordCredentialsProvider("x-access-token", token);
    }

    private static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path dir) {
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // a temporary directory left behind holds no credential (a bundle or a bare clone)
        }
    }
}
