package movierec.es;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import movierec.common.LocalCredentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRealmTest {
    @Test
    void hashHasTheFileRealmsPbkdf2Form() {
        String h = FileRealm.pbkdf2("secret");
        assertThat(h).startsWith("{PBKDF2}10000$");
        String[] parts = h.substring("{PBKDF2}".length()).split("\\$");
        assertThat(parts).hasSize(3);
        assertThat(Base64.getDecoder().decode(parts[1])).hasSize(32);
        assertThat(Base64.getDecoder().decode(parts[2])).hasSize(32);
    }

    @Test
    void hashDependsOnPasswordAndSaltOnly() {
        byte[] salt = new byte[32];
        assertThat(FileRealm.pbkdf2("a", salt, 1000)).isEqualTo(FileRealm.pbkdf2("a", salt, 1000));
        assertThat(FileRealm.pbkdf2("a", salt, 1000)).isNotEqualTo(FileRealm.pbkdf2("b", salt, 1000));
        assertThat(FileRealm.pbkdf2("a", new byte[32], 1000)).isNotEqualTo(FileRealm.pbkdf2("a", new byte[32], 2000));
    }

    @Test
    void writesOneUserPerComponentWithItsRoleAndNoPassword(@TempDir Path dir) throws Exception {
        LocalCredentials creds = LocalCredentials.ensure(dir);
        FileRealm.write(dir, creds);
        String users = Files.readString(dir.resolve("users"));
        assertThat(users.lines()).hasSize(4).allMatch(l -> l.matches("movierec-(stream|api|cli|kibana):\\{PBKDF2}.*"));
        for (String p : creds.passwords()) assertThat(users).doesNotContain(p);
        assertThat(Files.readString(dir.resolve("users_roles")))
                .contains(
                        "movierec_stream:movierec-stream",
                        "movierec_api:movierec-api",
                        "movierec_cli:movierec-cli",
                        "kibana_system:movierec-kibana");
        assertThat(Files.readString(dir.resolve("roles.yml")))
                .contains("movierec_stream:", "movierec_api:", "movierec_cli:");
    }
}
