package movierec.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system, setting permissions through {@code java.nio} instead of forking {@code chmod}. Without
 * Hadoop's native library (absent on most machines) every checkpoint file a micro-batch writes forks a process; that,
 * not the state store, was most of a small batch's time. Set as {@code spark.hadoop.fs.file.impl} for checkpoints on
 * a local disk; other file systems (HDFS, S3) are untouched. It wraps a raw file system rather than replacing it so
 * that checksummed reads and writes (which the state store's snapshots rely on) stay as they are.
 */
public final class NioLocalFileSystem extends LocalFileSystem {
    public NioLocalFileSystem() {
        super(new NioRaw());
    }

    static final class NioRaw extends RawLocalFileSystem {
        @Override
        public void setPermission(Path p, FsPermission permission) throws IOException {
            String rwx = permission.getUserAction().SYMBOL
                    + permission.getGroupAction().SYMBOL
                    + permission.getOtherAction().SYMBOL;
            Files.setPosixFilePermissions(pathToFile(p).toPath(), PosixFilePermissions.fromString(rwx));
        }
    }
}
