package dev.agentforge.monitor.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Keeps the anchor in a small JSON file, {@code {"sequence": 42, "hash": "..."}}, replaced
 * atomically: the new anchor is written to a temporary file beside it, forced to disk, then moved
 * over the old one. Put the file where the log's writers cannot write, such as another volume or
 * a directory of another user, or copy it elsewhere regularly.
 */
public final class FileAnchorStore implements AnchorStore {

    private final Path file;
    private final Path lockFile;

    public FileAnchorStore(Path file) {
        this.file = file.toAbsolutePath().normalize();
        this.lockFile = this.file.resolveSibling(this.file.getFileName() + ".lock");
    }

    /** Returns the anchor file's path. */
    public Path file() {
        return file;
    }

    @Override
    public void advance(AuditAnchor anchor) {
        try {
            Files.createDirectories(file.getParent());
            FileLocks.withLock(lockFile, () -> {
                Optional<AuditAnchor> current = readFile();
                if (current.isEmpty() || anchor.sequence() > current.get().sequence()) {
                    write(anchor);
                }
                return null;
            });
        } catch (IOException e) {
            throw new AuditStoreException("Writing the audit anchor to " + file + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<AuditAnchor> read() {
        try {
            return readFile();
        } catch (IOException e) {
            throw new AuditStoreException("Reading the audit anchor from " + file + " failed: " + e.getMessage(), e);
        }
    }

    private Optional<AuditAnchor> readFile() throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            JsonNode node = AuditCodec.mapper().readTree(text);
            return Optional.of(new AuditAnchor(node.get("sequence").asLong(), node.get("hash").asString()));
        } catch (JacksonException | NullPointerException | IllegalArgumentException e) {
            throw new AuditStoreException("The audit anchor file " + file + " is not valid: it must contain"
                    + " {\"sequence\": <number>, \"hash\": \"<hex>\"}; restore it from a copy, or remove it to start"
                    + " a new anchor from the next record");
        }
    }

    private void write(AuditAnchor anchor) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        byte[] bytes = ("{\"sequence\":" + anchor.sequence() + ",\"hash\":\"" + anchor.hash() + "\"}\n")
                .getBytes(StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap(bytes));
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public String toString() {
        return "FileAnchorStore[" + file + "]";
    }
}
