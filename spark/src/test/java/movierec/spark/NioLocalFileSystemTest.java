package movierec.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NioLocalFileSystemTest {
    @TempDir
    java.nio.file.Path dir;

    @Test
    void writesRenamesAndSetsPermissionsLikeHadoopsLocalFileSystem() throws Exception {
        Configuration conf = new Configuration();
        conf.set("fs.file.impl", NioLocalFileSystem.class.getName());
        conf.setBoolean("fs.file.impl.disable.cache", true);
        FileSystem fs = FileSystem.get(dir.toUri(), conf);
        assertThat(fs).isInstanceOf(NioLocalFileSystem.class);

        Path tmp = new Path(dir.toUri().toString(), "sub/.1.tmp");
        try (FSDataOutputStream out =
                fs.create(tmp, new FsPermission((short) 0640), true, 4096, (short) 1, 1 << 20, null)) {
            out.write("batch 1".getBytes(StandardCharsets.UTF_8));
        }
        Path done = new Path(dir.toUri().toString(), "sub/1");
        assertThat(fs.rename(tmp, done)).isTrue();
        assertThat(Files.readString(dir.resolve("sub/1"))).isEqualTo("batch 1");
        assertThat(Files.exists(dir.resolve("sub/.1.crc")))
                .as("checksums are written as by LocalFileSystem")
                .isTrue();

        fs.setPermission(done, new FsPermission((short) 0600));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("sub/1"))))
                .isEqualTo("rw-------");
        assertThat(fs.mkdirs(new Path(dir.toUri().toString(), "a/b"), new FsPermission((short) 0750)))
                .isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b"))))
                .isEqualTo("rwxr-x---");
    }
}
