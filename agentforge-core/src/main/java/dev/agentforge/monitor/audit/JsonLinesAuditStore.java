package dev.agentforge.monitor.audit;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps audit records as JSON lines in rotating files of one directory, one record per line in its
 * stored form ({@link AuditCodec#toJson}). A file is named {@code audit-<day>-<first sequence>.jsonl},
 * where the day (UTC) and sequence number are those of its first record, so the names sort in
 * sequence order, and the hash chain runs on from one file into the next.
 *
 * <p>A new file starts when the next line would take the current file past the size limit, or, with
 * daily rotation, when the record's UTC day differs from the file's day. Each append holds an
 * exclusive lock on {@code .audit.lock} in the directory, against the other threads of this JVM and
 * against other processes, reads the newest record under that lock, and writes the whole line with
 * one write to a file opened for appending. So several processes may share a directory and still form
 * one chain. A line left incomplete by a crash is cut off, with a warning, before the next append.
 *
 * <p>{@link FsyncPolicy} decides when the data is forced to the disk. NOTE: the lock and the
 * one-write append rely on POSIX file semantics of a local file system. Network file systems
 * such as NFS may not honour them.
 */
public final class JsonLinesAuditStore implements AuditStore {

    /** When appended records are forced to the storage device. */
    public enum FsyncPolicy {
        /** After every record, before {@code append} returns: no acknowledged record is lost in a power failure. */
        EVERY_RECORD,
        /** When a file is finished by rotation and when the store closes: a crash may lose the newest records. */
        ON_ROTATION,
        /** Never: the operating system writes the data when it chooses, so a power failure may lose records. */
        NEVER
    }

    /** The size at which a new file starts, when none is set: 64 MiB. */
    public static final long DEFAULT_MAX_FILE_BYTES = 64L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(JsonLinesAuditStore.class);
    private static final Pattern FILE_NAME = Pattern.compile("audit-(\\d{4}-\\d{2}-\\d{2})-(\\d{19})\\.jsonl");
    private static final int CHUNK = 8192;

    private final Path directory;
    private final Path lockFile;
    private final long maxFileBytes;
    private final boolean rotateDaily;
    private final FsyncPolicy fsync;

    // Guarded by the directory lock: the open file and what this writer last saw of it.
    private Path currentFile;
    private FileChannel channel;
    private long cachedSize = -1;
    private AuditRecord cachedLast;

    private JsonLinesAuditStore(Builder builder) {
        this.directory = builder.directory.toAbsolutePath().normalize();
        this.lockFile = directory.resolve(".audit.lock");
        this.maxFileBytes = builder.maxFileBytes;
        this.rotateDaily = builder.rotateDaily;
        this.fsync = builder.fsync;
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new AuditStoreException("Cannot create the audit directory " + directory + ": " + e.getMessage(), e);
        }
        if (!Files.isWritable(directory)) {
            throw new AuditStoreException("The audit directory " + directory + " is not writable by this process");
        }
    }

    /** Returns a builder for a store in this directory, which is created if missing. */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /** Returns the directory of the files. */
    public Path directory() {
        return directory;
    }

    /** Returns the record files in sequence order. */
    public List<Path> files() {
        try {
            return listFiles().stream().map(LogFile::path).toList();
        } catch (IOException e) {
            throw new AuditStoreException("Listing the audit directory " + directory + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public AuditRecord append(UnaryOperator<AuditRecord> next) {
        try {
            return FileLocks.withLock(lockFile, () -> appendLocked(next));
        } catch (IOException e) {
            closeChannelQuietly();
            throw new AuditStoreException("Appending to the audit log in " + directory + " failed: " + e.getMessage(), e);
        }
    }

    private AuditRecord appendLocked(UnaryOperator<AuditRecord> next) throws IOException {
        List<LogFile> files = listFiles();
        AuditRecord last = newestRecord(files);
        AuditRecord record = Objects.requireNonNull(next.apply(last), "next returned null");
        byte[] line = (AuditCodec.toJson(record) + "\n").getBytes(StandardCharsets.UTF_8);
        Path target = targetFile(files, record, line.length);
        FileChannel out = channelFor(target);
        ByteBuffer buffer = ByteBuffer.wrap(line);
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
        if (fsync == FsyncPolicy.EVERY_RECORD) {
            out.force(false);
        }
        cachedSize = out.size();
        cachedLast = record;
        return record;
    }

    @Override
    public Optional<AuditRecord> last() {
        try {
            return Optional.ofNullable(FileLocks.withLock(lockFile, () -> newestRecord(listFiles())));
        } catch (IOException e) {
            throw new AuditStoreException("Reading the audit log in " + directory + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public List<AuditRecord> query(AuditQuery query) {
        List<AuditRecord> matches = new ArrayList<>();
        scan(record -> {
            if (query.matches(record)) {
                matches.add(record);
            }
            return matches.size() < query.limit();
        });
        return matches;
    }

    // NOTE: a query reads every file from the oldest; a log of millions of records needs the JDBC store.
    @Override
    public void scan(Predicate<AuditRecord> visitor) {
        List<Snapshot> snapshots;
        try {
            snapshots = FileLocks.withLock(lockFile, () -> {
                List<Snapshot> sizes = new ArrayList<>();
                for (LogFile file : listFiles()) {
                    sizes.add(new Snapshot(file.path(), Files.size(file.path())));
                }
                return sizes;
            });
        } catch (IOException e) {
            throw new AuditStoreException("Listing the audit directory " + directory + " failed: " + e.getMessage(), e);
        }
        long previousSequence = 0;
        for (Snapshot snapshot : snapshots) {
            try (InputStream in = new BoundedInputStream(Files.newInputStream(snapshot.path()), snapshot.size());
                    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                int lineNumber = 0;
                while ((line = reader.readLine()) != null) {
                    lineNumber++;
                    AuditRecord record;
                    try {
                        record = AuditCodec.fromJson(line);
                    } catch (IllegalArgumentException e) {
                        throw new CorruptRecordException("Line " + lineNumber + " of " + snapshot.path()
                                + " is not a valid audit record: " + e.getMessage(), previousSequence, e);
                    }
                    previousSequence = record.sequence();
                    if (!visitor.test(record)) {
                        return;
                    }
                }
            } catch (NoSuchFileException e) {
                throw new AuditStoreException("The audit file " + snapshot.path() + " was removed while it was read,"
                        + " probably by a retention purge; read again", e);
            } catch (IOException e) {
                throw new AuditStoreException("Reading " + snapshot.path() + " failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public long deleteThrough(long sequence) {
        try {
            return FileLocks.withLock(lockFile, () -> deleteLocked(sequence));
        } catch (IOException e) {
            throw new AuditStoreException("Purging the audit log in " + directory + " failed: " + e.getMessage(), e);
        }
    }

    private long deleteLocked(long sequence) throws IOException {
        closeChannelQuietly();
        List<LogFile> files = listFiles();
        long deleted = 0;
        for (int i = 0; i < files.size(); i++) {
            LogFile file = files.get(i);
            if (file.firstSequence() > sequence) {
                break;
            }
            boolean hasNext = i + 1 < files.size();
            if (hasNext && files.get(i + 1).firstSequence() - 1 <= sequence) {
                try (Stream<String> lines = Files.lines(file.path(), StandardCharsets.UTF_8)) {
                    deleted += lines.count();
                }
                Files.delete(file.path());
                continue;
            }
            deleted += rewriteWithout(file, sequence);
        }
        return deleted;
    }

    // Keeps the lines after `sequence`, and any line that cannot be read, so a purge never hides damage.
    private long rewriteWithout(LogFile file, long sequence) throws IOException {
        List<String> kept = new ArrayList<>();
        AuditRecord firstKept = null;
        long deleted = 0;
        for (String line : Files.readAllLines(file.path(), StandardCharsets.UTF_8)) {
            AuditRecord record = null;
            try {
                record = AuditCodec.fromJson(line);
            } catch (IllegalArgumentException e) {
                LOG.warn("Keeping an unreadable line of {} in the purge: {}", file.path(), e.getMessage());
            }
            if (record != null && record.sequence() <= sequence) {
                deleted++;
                continue;
            }
            if (firstKept == null && record != null) {
                firstKept = record;
            }
            kept.add(line);
        }

        if (deleted == 0) {
            return 0;
        }
        if (kept.isEmpty()) {
            Files.delete(file.path());
            return deleted;
        }

        Path renamed = firstKept == null ? file.path() : directory.resolve(fileName(firstKept));
        Path temporary = directory.resolve(".audit-rewrite.tmp");
        try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap((String.join("\n", kept) + "\n").getBytes(StandardCharsets.UTF_8));
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(false);
        }
        Files.move(temporary, renamed, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (!renamed.equals(file.path())) {
            Files.delete(file.path());
        }
        forceDirectory();
        return deleted;
    }

    @Override
    public String describe() {
        return directory.toString();
    }

    @Override
    public void close() {
        try {
            FileLocks.withLock(lockFile, () -> {
                closeChannelQuietly();
                return null;
            });
        } catch (IOException e) {
            LOG.warn("Closing the audit log in {} failed", directory, e);
        }
    }

    private AuditRecord newestRecord(List<LogFile> files) throws IOException {
        for (int i = files.size() - 1; i >= 0; i--) {
            Path path = files.get(i).path();
            if (path.equals(currentFile) && cachedLast != null && Files.size(path) == cachedSize) {
                return cachedLast;
            }
            AuditRecord last = readLastLine(path, i > 0 ? files.get(i - 1).firstSequence() : 0);
            if (last != null) {
                return last;
            }
        }
        return null;
    }

    // Returns the record on the file's last line, after cutting off an incomplete line; null if it has none.
    private AuditRecord readLastLine(Path path, long previousSequence) throws IOException {
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = file.size();
            if (size == 0) {
                return null;
            }
            if (byteAt(file, size - 1) != '\n') {
                long newline = lastIndexOf(file, size - 1);
                long keep = newline + 1;
                LOG.warn("The last line of {} is incomplete, probably from a crash during a write: cutting off its {}"
                        + " bytes before the next append", path, size - keep);
                file.truncate(keep);
                file.force(false);
                size = keep;
                if (size == 0) {
                    return null;
                }
            }
            long start = lastIndexOf(file, size - 1) + 1;
            ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(size - 1 - start));
            file.read(buffer, start);
            String line = new String(buffer.array(), StandardCharsets.UTF_8);
            try {
                return AuditCodec.fromJson(line);
            } catch (IllegalArgumentException e) {
                throw new CorruptRecordException("The last line of " + path + " is not a valid audit record ("
                        + e.getMessage() + "), so no record can be chained to it; run the verifier and restore the"
                        + " file", previousSequence, e);
            }
        }
    }

    // Returns the position of the last '\n' before `end`, or -1 if there is none.
    private static long lastIndexOf(FileChannel file, long end) throws IOException {
        long position = end;
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        while (position > 0) {
            int length = (int) Math.min(CHUNK, position);
            long from = position - length;
            buffer.clear().limit(length);
            file.read(buffer, from);
            for (int i = length - 1; i >= 0; i--) {
                if (buffer.get(i) == '\n') {
                    return from + i;
                }
            }
            position = from;
        }
        return -1;
    }

    private static byte byteAt(FileChannel file, long position) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        file.read(one, position);
        return one.get(0);
    }

    private Path targetFile(List<LogFile> files, AuditRecord record, int lineBytes) throws IOException {
        if (!files.isEmpty()) {
            LogFile newest = files.getLast();
            long size = Files.size(newest.path());
            boolean full = size > 0 && size + lineBytes > maxFileBytes;
            boolean newDay = rotateDaily && !newest.day().equals(day(record));
            boolean emptyWithOtherName = size == 0 && newest.firstSequence() != record.sequence();
            if (!full && !newDay && !emptyWithOtherName) {
                return newest.path();
            }
        }
        return directory.resolve(fileName(record));
    }

    private FileChannel channelFor(Path target) throws IOException {
        if (target.equals(currentFile) && channel != null && channel.isOpen()) {
            return channel;
        }
        boolean rotation = channel != null;
        closeChannelQuietly();
        boolean created = Files.notExists(target);
        channel = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        currentFile = target;
        if (created) {
            forceDirectory();
            if (rotation) {
                LOG.info("Audit log rotated to {}", target.getFileName());
            }
        }
        return channel;
    }

    private void closeChannelQuietly() {
        FileChannel open = channel;
        channel = null;
        currentFile = null;
        cachedLast = null;
        cachedSize = -1;
        if (open == null || !open.isOpen()) {
            return;
        }
        try {
            if (fsync != FsyncPolicy.NEVER) {
                open.force(false);
            }
            open.close();
        } catch (IOException e) {
            LOG.warn("Closing an audit file in {} failed", directory, e);
        }
    }

    // Makes a new or renamed file's directory entry durable. Some platforms, such as Windows, cannot
    // open a directory, which is harmless there.
    private void forceDirectory() {
        if (fsync == FsyncPolicy.NEVER) {
            return;
        }
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            LOG.debug("Cannot force the directory {} to disk: {}", directory, e.getMessage());
        }
    }

    private List<LogFile> listFiles() throws IOException {
        List<LogFile> files = new ArrayList<>();
        try (Stream<Path> entries = Files.list(directory)) {
            entries.forEach(path -> {
                Matcher matcher = FILE_NAME.matcher(path.getFileName().toString());
                if (matcher.matches()) {
                    files.add(new LogFile(path, matcher.group(1), Long.parseLong(matcher.group(2))));
                }
            });
        }
        files.sort((a, b) -> Long.compare(a.firstSequence(), b.firstSequence()));
        return files;
    }

    private static String day(AuditRecord record) {
        return LocalDate.ofInstant(record.time(), ZoneOffset.UTC).toString();
    }

    private static String fileName(AuditRecord record) {
        return "audit-" + day(record) + "-" + String.format("%019d", record.sequence()) + ".jsonl";
    }

    private record LogFile(Path path, String day, long firstSequence) {
    }

    private record Snapshot(Path path, long size) {
    }

    // Reads at most `remaining` bytes, so a scan stops at the size a file had when the scan began.
    private static final class BoundedInputStream extends FilterInputStream {
        private long remaining;

        BoundedInputStream(InputStream in, long limit) {
            super(in);
            this.remaining = limit;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int value = super.read();
            if (value >= 0) {
                remaining--;
            }
            return value;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int count = super.read(buffer, offset, (int) Math.min(length, remaining));
            if (count > 0) {
                remaining -= count;
            }
            return count;
        }
    }

    /** Configures a {@link JsonLinesAuditStore}. */
    public static final class Builder {
        private final Path directory;
        private long maxFileBytes = DEFAULT_MAX_FILE_BYTES;
        private boolean rotateDaily = true;
        private FsyncPolicy fsync = FsyncPolicy.EVERY_RECORD;

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        /** Sets the size, in bytes, past which the next record starts a new file; a single larger record still fits. */
        public Builder maxFileBytes(long maxFileBytes) {
            if (maxFileBytes < 1) {
                throw new IllegalArgumentException("maxFileBytes must be at least 1, got " + maxFileBytes);
            }
            this.maxFileBytes = maxFileBytes;
            return this;
        }

        /** Sets whether a record of a new UTC day starts a new file; on by default. */
        public Builder rotateDaily(boolean rotateDaily) {
            this.rotateDaily = rotateDaily;
            return this;
        }

        /** Sets when records are forced to the disk, {@link FsyncPolicy#EVERY_RECORD} by default. */
        public Builder fsync(FsyncPolicy fsync) {
            this.fsync = Objects.requireNonNull(fsync, "fsync");
            return this;
        }

        /**
         * Opens the store.
         *
         * @throws AuditStoreException if the directory cannot be created or is not writable
         */
        public JsonLinesAuditStore build() {
            return new JsonLinesAuditStore(this);
        }
    }
}
