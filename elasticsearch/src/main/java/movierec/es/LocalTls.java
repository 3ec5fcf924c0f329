package movierec.es;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import movierec.common.MovierecConfig;

/**
 * The local Elasticsearch's HTTPS certificate, made once with the JDK's own {@code keytool} (no OpenSSL, no
 * {@code elasticsearch-certutil}): a local CA, and a node certificate it signs for {@code 127.0.0.1} and
 * {@code localhost} (every node of a local cluster shares it: they all listen on this machine). Elasticsearch reads
 * them as PEM files; the private key is written out of keytool's PKCS#12 store by {@link KeyStore}, and the CA's own
 * key is deleted afterwards, since nothing else is ever signed with it. Clients trust {@code ca.crt} (see
 * {@link MovierecConfig#withLocalCredentials}).
 */
final class LocalTls {
    static final String CA = MovierecConfig.LOCAL_ES_CA;
    static final String CERT = "node.crt";
    static final String KEY = "node.key";
    private static final String DAYS = "3650";

    private LocalTls() {}

    /** The directory holding ca.crt, node.crt and node.key, created on first use. */
    static synchronized Path ensure(MovierecConfig config) {
        Path dir = config.dataDir().resolve(MovierecConfig.LOCAL_ES_TLS_DIR);
        if (Files.exists(dir.resolve(KEY))) return dir;
        try {
            Path work = Files.createDirectories(dir.resolve("work"));
            // protects only the scratch stores, deleted below: the PEM files are what Elasticsearch reads
            String pass = Base64.getUrlEncoder().withoutPadding().encodeToString(new SecureRandom().generateSeed(18));
            Path ca = work.resolve("ca.p12");
            Path node = work.resolve("node.p12");
            String ec = "-keyalg EC -groupname secp256r1 -validity " + DAYS;
            keytool(work, "-genkeypair", ca, pass, "ca", ec + " -ext bc:c", "-dname", "CN=movierec local CA");
            keytool(work, "-genkeypair", node, pass, "node", ec, "-dname", "CN=localhost");
            keytool(work, "-certreq", node, pass, "node", "", "-file", work.resolve("node.csr"));
            keytool(
                    work,
                    "-gencert",
                    ca,
                    pass,
                    "ca",
                    "-rfc -validity " + DAYS + " -ext eku=serverAuth"
                            + " -ext ku=digitalSignature -ext san=ip:127.0.0.1,dns:localhost",
                    "-infile",
                    work.resolve("node.csr"),
                    "-outfile",
                    dir.resolve(CERT));
            keytool(work, "-exportcert", ca, pass, "ca", "-rfc", "-file", dir.resolve(CA));
            writePrivateKey(node, pass, dir.resolve(KEY));
            try (var files = Files.list(work)) {
                for (Path f : files.toList()) Files.delete(f);
            }
            Files.delete(work);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the local Elasticsearch certificate in " + dir, e);
        }
    }

    /** The node's private key as unencrypted PKCS#8 PEM, readable by its owner only. */
    private static void writePrivateKey(Path store, String pass, Path out) throws IOException {
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, pass.toCharArray());
            byte[] der = ks.getKey("node", pass.toCharArray()).getEncoded();
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                    + "\n-----END PRIVATE KEY-----\n";
            Files.deleteIfExists(out);
            Files.createFile(out, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(out, pem);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the key keytool made: " + e.getMessage(), e);
        }
    }

    /**
     * One keytool command on {@code store}/{@code alias}: {@code options} are space-free flags and values joined by
     * spaces, {@code args} those that may hold spaces (a distinguished name) or paths.
     */
    private static void keytool(
            Path work, String command, Path store, String pass, String alias, String options, Object... args)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                command,
                "-keystore",
                store.toString(),
                "-storepass",
                pass,
                "-alias",
                alias));
        for (String o : options.split(" ")) if (!o.isEmpty()) cmd.add(o);
        for (Object a : args) cmd.add(a.toString());
        cmd.add("-noprompt");
        Process p = new ProcessBuilder(cmd)
                .directory(work.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            if (p.waitFor() != 0) {
                // the output names the failing step; the store password is never printed by keytool
                throw new IOException("keytool " + command + " failed: " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
